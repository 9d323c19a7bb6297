package io.shardraft.cluster.data;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.PutObject;

/** Facts about commands that routing needs. */
final class Commands {
    private Commands() {
    }

    /** Whether any item of the command carries an expected version (optimistic concurrency). */
    static boolean isConditional(Command c) {
        return switch (c.getOpCase()) {
            case PUT -> c.getPut().hasExpectedVersion();
            case MERGE -> c.getMerge().hasExpectedVersion();
            case DELETE -> c.getDelete().hasExpectedVersion();
            case PUT_BATCH -> c.getPutBatch().getPutsList().stream().anyMatch(PutObject::hasExpectedVersion);
            case DELETE_BATCH -> c.getDeleteBatch().getDeletesList().stream().anyMatch(DeleteObject::hasExpectedVersion);
            case CREATE_INDEX, DROP_INDEX, OP_NOT_SET -> false;
        };
    }
}

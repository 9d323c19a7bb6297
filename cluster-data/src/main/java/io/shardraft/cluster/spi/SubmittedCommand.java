package io.shardraft.cluster.spi;

import io.shardraft.api.v1.Command;
import io.shardraft.cluster.error.ReplicationException;

/** What any command submitted to a shard must be, whether it goes through Raft or straight to a host shard. */
public final class SubmittedCommand {
    private SubmittedCommand() {
    }

    /**
     * Throws INVALID_ARGUMENT unless the command has an operation and is not a bundle (bundles are formed only by a
     * shard's leader, from writes submitted one by one).
     *
     * @param target what the command was sent to, for the message (e.g. "index 'a' shard 's'")
     */
    public static void check(Command command, String target) {
        if (command.getOpCase() == Command.OpCase.OP_NOT_SET) {
            throw ReplicationException.invalid("command for " + target + " has no operation");
        }
        if (command.hasBundle()) {
            throw ReplicationException.invalid("command for " + target + " is a bundle; bundles are formed by the "
                    + "shard's leader, send the writes one by one or as a put_batch");
        }
    }
}

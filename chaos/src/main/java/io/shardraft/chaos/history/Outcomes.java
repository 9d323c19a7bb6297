package io.shardraft.chaos.history;

import io.grpc.Status;
import io.shardraft.api.v1.ItemStatus;

/** How the workload maps answers of the client API to {@link Outcome}s. */
public final class Outcomes {

    private Outcomes() {
    }

    /** The item status of a write that completed (the call itself returned OK). */
    public static Outcome ofItemStatus(ItemStatus status) {
        return switch (status) {
            case ITEM_OK -> Outcome.OK;
            case ITEM_CONFLICT -> Outcome.CONFLICT;
            // NOT_FOUND, REJECTED and FAILED write nothing for the item.
            default -> Outcome.FAIL;
        };
    }

    /**
     * A write whose call failed with this gRPC status. Only statuses that prove the request was refused
     * before it could reach a Raft log are FAIL; anything else (DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED,
     * RESOURCE_EXHAUSTED, INTERNAL, …) may have been applied and is UNKNOWN.
     */
    public static Outcome ofWriteError(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED, UNIMPLEMENTED,
                 OUT_OF_RANGE -> Outcome.FAIL;
            default -> Outcome.UNKNOWN;
        };
    }
}

package io.shardraft.cluster.error;

import java.util.Optional;

/**
 * Every failure the replication core reports, with a {@link Reason} that maps one-to-one to a gRPC
 * status code and tells callers whether a retry elsewhere can help.
 */
public final class ReplicationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Reason {
        /** Unknown index or shard on this node. Not retryable. */
        NOT_FOUND(false),
        /** Malformed, empty or oversized command, or an invalid name. Not retryable. */
        INVALID_ARGUMENT(false),
        /** This replica is not the leader; {@link #leaderHint()} names the leader when known. Retryable. */
        NOT_LEADER(true),
        /** No quorum, the group is stopping, or the leader could not be reached. Retryable. */
        UNAVAILABLE(true),
        /** The apply queue is full: back off. Not retried automatically. */
        RESOURCE_EXHAUSTED(false),
        /** The deadline passed before the outcome was known: the write may or may not have been applied. */
        DEADLINE_EXCEEDED(false),
        /** A bug or a broken shard; the message says which. */
        INTERNAL(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;
    private final String leaderHint;
    private final boolean notApplied;

    public ReplicationException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    public ReplicationException(Reason reason, String message, String leaderHint, Throwable cause) {
        this(reason, message, leaderHint, cause, reason == Reason.NOT_LEADER || reason == Reason.NOT_FOUND
                || reason == Reason.INVALID_ARGUMENT || reason == Reason.RESOURCE_EXHAUSTED);
    }

    /**
     * @param notApplied true when the request certainly had no effect (it was refused before being
     *                   proposed or never reached a server); only such a write may be sent again
     */
    public ReplicationException(Reason reason, String message, String leaderHint, Throwable cause, boolean notApplied) {
        super(message, cause);
        this.reason = reason;
        this.leaderHint = leaderHint == null || leaderHint.isEmpty() ? null : leaderHint;
        this.notApplied = notApplied;
    }

    /** UNAVAILABLE for a request that was refused before anything was proposed (safe to send again). */
    public static ReplicationException unavailableNotApplied(String message) {
        return new ReplicationException(Reason.UNAVAILABLE, message, null, null, true);
    }

    /**
     * Whether the request certainly had no effect. A write that failed otherwise (e.g. leadership moved
     * after it was proposed, or the connection broke after it was sent) may still be committed, and
     * sending it again could apply it twice, possibly after a later write.
     */
    public boolean notApplied() {
        return notApplied;
    }

    public static ReplicationException notFound(String message) {
        return new ReplicationException(Reason.NOT_FOUND, message);
    }

    public static ReplicationException invalid(String message) {
        return new ReplicationException(Reason.INVALID_ARGUMENT, message);
    }

    public static ReplicationException notLeader(String groupDescription, Optional<String> leader) {
        String where = leader.map(l -> "; the leader is node " + l).orElse("; no leader is known yet");
        return new ReplicationException(Reason.NOT_LEADER,
                "not the leader of " + groupDescription + where, leader.orElse(null), null);
    }

    public static ReplicationException unavailable(String message) {
        return new ReplicationException(Reason.UNAVAILABLE, message);
    }

    public Reason reason() {
        return reason;
    }

    /** The node id of the leader, when this is a {@link Reason#NOT_LEADER} failure and one is known. */
    public Optional<String> leaderHint() {
        return Optional.ofNullable(leaderHint);
    }

    /** Unwraps CompletionException/ExecutionException layers down to a ReplicationException, if any. */
    public static Optional<ReplicationException> find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ReplicationException re) {
                return Optional.of(re);
            }
        }
        return Optional.empty();
    }
}

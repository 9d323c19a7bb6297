package io.shardraft.cluster.rpc;

import com.google.common.base.Throwables;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;

/**
 * The one mapping between {@link ReplicationException} and gRPC statuses, used by the server to answer
 * and by the client to turn an answer back into the same exception. NOT_LEADER travels as
 * FAILED_PRECONDITION with metadata {@code shardraft-error: NOT_LEADER} and, when known,
 * {@code shardraft-leader: <node id>}.
 */
public final class GrpcErrors {
    public static final Metadata.Key<String> ERROR_KEY =
            Metadata.Key.of("shardraft-error", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> LEADER_KEY =
            Metadata.Key.of("shardraft-leader", Metadata.ASCII_STRING_MARSHALLER);
    /** Present ("true") when the server refused the request before proposing anything. */
    public static final Metadata.Key<String> NOT_APPLIED_KEY =
            Metadata.Key.of("shardraft-not-applied", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {
    }

    public static Status.Code code(Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case NOT_LEADER -> Status.Code.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
            case INTERNAL -> Status.Code.INTERNAL;
        };
    }

    /** The status (with metadata) a server answers for any failure. */
    public static StatusRuntimeException toStatus(Throwable t) {
        ReplicationException re = ReplicationException.find(t).orElse(null);
        if (re == null) {
            if (t instanceof StatusRuntimeException sre) {
                return sre;
            }
            return Status.INTERNAL.withDescription(String.valueOf(t)).withCause(t).asRuntimeException();
        }
        Metadata md = new Metadata();
        md.put(ERROR_KEY, re.reason().name());
        re.leaderHint().ifPresent(l -> md.put(LEADER_KEY, l));
        if (re.notApplied()) {
            md.put(NOT_APPLIED_KEY, "true");
        }
        return Status.fromCode(code(re.reason())).withDescription(re.getMessage()).asRuntimeException(md);
    }

    /** The exception a client raises for a failed call to {@code target}. */
    public static ReplicationException fromStatus(Throwable t, String target) {
        Status status = Status.fromThrowable(t);
        Metadata md = Status.trailersFromThrowable(t);
        String reasonName = md == null ? null : md.get(ERROR_KEY);
        String leader = md == null ? null : md.get(LEADER_KEY);
        Reason reason = reasonName != null ? parse(reasonName)
                : brokenConnection(status) ? Reason.UNAVAILABLE : fromCode(status.getCode());
        String message = status.getDescription() != null ? status.getDescription()
                : status.getCode() + (status.getCause() != null ? ": " + status.getCause() : "");
        if (reasonName == null) {
            message = "call to " + target + " failed: " + message;
        }
        boolean notApplied = md != null && "true".equals(md.get(NOT_APPLIED_KEY)) || refusedBeforeProposing(reason)
                || neverConnected(t);
        return new ReplicationException(reason, message, leader, t, notApplied);
    }

    /** The exception for one failed command of an ApplyBatch answer from {@code target}. */
    public static ReplicationException fromOutcome(io.shardraft.api.v1.BatchEntryOutcome o, String target) {
        Status.Code code = Status.fromCodeValue(o.getErrorCode()).getCode();
        Reason reason = o.getErrorReason().isEmpty() ? fromCode(code) : parse(o.getErrorReason());
        String message = o.getErrorReason().isEmpty() ? "command sent to " + target + " failed: " + code + ": "
                + o.getErrorMessage() : o.getErrorMessage();
        boolean notApplied = o.getNotApplied() || refusedBeforeProposing(reason);
        return new ReplicationException(reason, message, o.getLeaderHint().isEmpty() ? null : o.getLeaderHint(), null,
                notApplied);
    }

    /** Reasons a server only gives before it proposes anything: the command certainly had no effect. */
    private static boolean refusedBeforeProposing(Reason reason) {
        return reason == Reason.NOT_LEADER || reason == Reason.NOT_FOUND || reason == Reason.INVALID_ARGUMENT;
    }

    /**
     * gRPC-Java reports some connections that close under a call as INTERNAL or UNKNOWN "channel closed" with a
     * {@link java.nio.channels.ClosedChannelException} (grpc/grpc-java#10120): about one call in eight when a
     * Toxiproxy proxy is disabled under it, measured. A closed connection is the peer being unreachable, not a bug
     * in it, so callers get UNAVAILABLE and retry or fail over as for any other cut. The server's own INTERNAL
     * answers carry no I/O cause and stay INTERNAL.
     */
    public static boolean brokenConnection(Status status) {
        return (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN)
                && causedBy(status.getCause(), java.io.IOException.class);
    }

    /** The call failed to connect at all (refused), so the request never left this node. */
    private static boolean neverConnected(Throwable t) {
        return causedBy(t, java.net.ConnectException.class);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        return t != null && Throwables.getCausalChain(t).stream().anyMatch(type::isInstance);
    }

    private static Reason parse(String name) {
        try {
            return Reason.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Reason.INTERNAL;
        }
    }

    private static Reason fromCode(Status.Code code) {
        return switch (code) {
            case NOT_FOUND -> Reason.NOT_FOUND;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> Reason.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> Reason.NOT_LEADER;
            case UNAVAILABLE, ABORTED, CANCELLED -> Reason.UNAVAILABLE;
            case RESOURCE_EXHAUSTED -> Reason.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> Reason.DEADLINE_EXCEEDED;
            default -> Reason.INTERNAL;
        };
    }
}

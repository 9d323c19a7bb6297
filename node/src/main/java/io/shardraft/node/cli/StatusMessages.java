package io.shardraft.node.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.shardraft.cluster.rpc.GrpcErrors;
import java.time.Duration;
import java.util.Locale;

/** One readable line for a failed gRPC call. */
final class StatusMessages {

    private StatusMessages() {
    }

    static String describe(StatusRuntimeException e, HostPort target, Duration timeout) {
        Status status = e.getStatus();
        String where = target == null ? "the node" : "node " + target;
        String description = status.getDescription() == null ? "" : status.getDescription().strip();
        Status.Code code = GrpcErrors.brokenConnection(status) ? Status.Code.UNAVAILABLE : status.getCode();
        return switch (code) {
            case UNAVAILABLE -> isConnectFailure(status)
                    ? "cannot reach " + where + " (is the cluster running? see `shardraft cluster up`)"
                    : where + " is unavailable" + (description.isEmpty() ? "" : ": " + description);
            case DEADLINE_EXCEEDED -> "no answer from " + where + " within " + seconds(timeout) + " (raise --timeout)";
            case UNIMPLEMENTED -> where + " does not implement this call"
                    + (description.isEmpty() ? "" : ": " + description);
            case CANCELLED -> "call to " + where + " was cancelled" + (description.isEmpty() ? "" : ": " + description);
            default -> description.isEmpty()
                    ? code.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " (from " + where + ")"
                    : description;
        };
    }

    private static boolean isConnectFailure(Status status) {
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return true;
            }
            String name = t.getClass().getSimpleName();
            if (name.contains("ConnectException") || name.contains("UnresolvedAddress")) {
                return true;
            }
        }
        return false;
    }

    static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}

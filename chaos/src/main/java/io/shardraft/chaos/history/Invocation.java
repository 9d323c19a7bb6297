package io.shardraft.chaos.history;

/**
 * The handle {@link HistoryRecorder} returns when an operation is invoked; the workload passes it back to
 * complete the operation.
 */
public record Invocation(long id, int process, String key, OperationKind kind, String value, String expected,
                         long invokeNanos) {
}

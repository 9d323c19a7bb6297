package io.shardraft.chaos.history;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Objects;
import java.util.Optional;

/**
 * One completed (or abandoned) client operation on one key. Values are strings; a key's register starts
 * absent ({@code null}).
 *
 * @param id            unique in the history ({@link HistoryRecorder} numbers them in invoke order)
 * @param process       the client (thread) that issued it; one operation at a time per process
 * @param key           the object id
 * @param kind          write, read or CAS
 * @param value         WRITE: the value written; CAS: the new value; READ: {@code null}
 * @param expected      CAS: the value expected to be current ({@code null} = expected absent); else {@code null}
 * @param observed      READ with outcome OK: the value returned, {@code null} = the object was absent
 * @param invokeNanos   when the client sent it ({@code System.nanoTime()} scale)
 * @param completeNanos when the client got the answer or gave up; for {@link Outcome#UNKNOWN} the checker
 *                      treats it as +infinity
 * @param outcome       how it ended
 * @param version       WRITE/CAS with outcome OK: the version the server returned, if known; else {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Operation(long id, int process, String key, OperationKind kind, String value, String expected,
                        String observed, long invokeNanos, long completeNanos, Outcome outcome, Long version) {

    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        if (completeNanos < invokeNanos) {
            throw new IllegalArgumentException("op " + id + " completes before it is invoked");
        }
        switch (kind) {
            case WRITE -> {
                require(value != null, id, "a write needs a value");
                require(expected == null && observed == null, id, "a write has no expected/observed value");
                require(outcome != Outcome.CONFLICT, id, "an unconditional write cannot conflict");
            }
            case CAS -> {
                require(value != null, id, "a CAS needs a new value");
                require(observed == null, id, "a CAS has no observed value");
            }
            case READ -> {
                require(value == null && expected == null, id, "a read has no value/expected value");
                require(observed == null || outcome == Outcome.OK, id, "only an OK read has an observed value");
                require(outcome != Outcome.CONFLICT, id, "a read cannot conflict");
                require(version == null, id, "a read has no write version");
            }
        }
        require(version == null || outcome == Outcome.OK, id, "only an OK write carries a version");
    }

    private static void require(boolean condition, long id, String message) {
        if (!condition) {
            throw new IllegalArgumentException("op " + id + ": " + message);
        }
    }

    /** An unconditional write. */
    public static Operation write(long id, int process, String key, String value, long invokeNanos,
                                  long completeNanos, Outcome outcome, Long version) {
        return new Operation(id, process, key, OperationKind.WRITE, value, null, null, invokeNanos, completeNanos,
                outcome, version);
    }

    /** A STRONG read; {@code observed} is {@code null} when absent or when the read did not succeed. */
    public static Operation read(long id, int process, String key, String observed, long invokeNanos,
                                 long completeNanos, Outcome outcome) {
        return new Operation(id, process, key, OperationKind.READ, null, null, observed, invokeNanos, completeNanos,
                outcome, null);
    }

    /** A conditional write of {@code value} if the current value is {@code expected} ({@code null} = absent). */
    public static Operation cas(long id, int process, String key, String expected, String value, long invokeNanos,
                                long completeNanos, Outcome outcome, Long version) {
        return new Operation(id, process, key, OperationKind.CAS, value, expected, null, invokeNanos, completeNanos,
                outcome, version);
    }

    /** True for writes and CAS: operations that may change the register. */
    public boolean mutates() {
        return kind != OperationKind.READ;
    }

    /** True for a write or CAS that was applied or may have been (OK or UNKNOWN): it may have set the value. */
    public boolean mayHaveWritten() {
        return mutates() && (outcome == Outcome.OK || outcome == Outcome.UNKNOWN);
    }

    /** The value a READ returned, empty when absent. */
    public Optional<String> observedValue() {
        return Optional.ofNullable(observed);
    }

    /** Same operation with another observed value (tests build corrupted histories with it). */
    public Operation withObserved(String newObserved) {
        return new Operation(id, process, key, kind, value, expected, newObserved, invokeNanos, completeNanos,
                outcome, version);
    }

    /** One line for reports, times relative to {@code originNanos} in milliseconds. */
    public String describe(long originNanos) {
        String what = switch (kind) {
            case WRITE -> "write " + key + " := " + value;
            case READ -> "read  " + key + (outcome == Outcome.OK ? " -> " + (observed == null ? "<absent>" : observed) : "");
            case CAS -> "cas   " + key + " " + (expected == null ? "<absent>" : expected) + " -> " + value;
        };
        String end = outcome == Outcome.UNKNOWN ? "?" : String.format("%.3f", (completeNanos - originNanos) / 1e6);
        return String.format("#%d p%d %s %s [%.3f ms, %s ms]", id, process, what, outcome,
                (invokeNanos - originNanos) / 1e6, end);
    }
}

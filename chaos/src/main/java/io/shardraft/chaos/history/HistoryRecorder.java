package io.shardraft.chaos.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Records a history from many workload threads: {@code invoke…} just before sending a request,
 * {@code complete…} with what came back. Thread-safe. Holds at most {@code capacity} operations; an invoke
 * beyond that throws, so a workload checks {@link #isFull()} and stops rather than losing records.
 * Operations still pending when {@link #history()} is taken are recorded as {@link Outcome#UNKNOWN}.
 */
public final class HistoryRecorder {

    private final int capacity;
    private final LongSupplier clock;
    private final Map<Long, Invocation> pending = new LinkedHashMap<>();
    private final List<Operation> completed = new ArrayList<>();
    private long nextId;

    public HistoryRecorder(int capacity) {
        this(capacity, System::nanoTime);
    }

    /** @param clock a monotonic nanosecond clock ({@code System::nanoTime}; tests pass a fake one) */
    public HistoryRecorder(int capacity, LongSupplier clock) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Invocation invokeWrite(int process, String key, String value) {
        return invoke(process, key, OperationKind.WRITE, Objects.requireNonNull(value, "value"), null);
    }

    public Invocation invokeRead(int process, String key) {
        return invoke(process, key, OperationKind.READ, null, null);
    }

    /** @param expected the value expected to be current, {@code null} = expected absent */
    public Invocation invokeCas(int process, String key, String expected, String value) {
        return invoke(process, key, OperationKind.CAS, Objects.requireNonNull(value, "value"), expected);
    }

    private synchronized Invocation invoke(int process, String key, OperationKind kind, String value, String expected) {
        Objects.requireNonNull(key, "key");
        if (isFull()) {
            throw new IllegalStateException("history full: " + capacity + " operations");
        }
        Invocation invocation = new Invocation(nextId++, process, key, kind, value, expected, clock.getAsLong());
        pending.put(invocation.id(), invocation);
        return invocation;
    }

    /** A write or CAS was applied, at this version. */
    public Operation completeWrite(Invocation invocation, long version) {
        if (invocation.kind() == OperationKind.READ) {
            throw new IllegalArgumentException("op " + invocation.id() + " is a read");
        }
        return complete(invocation, Outcome.OK, null, version);
    }

    /** A read succeeded and returned this value (empty = absent). */
    public Operation completeRead(Invocation invocation, Optional<String> observed) {
        if (invocation.kind() != OperationKind.READ) {
            throw new IllegalArgumentException("op " + invocation.id() + " is not a read");
        }
        return complete(invocation, Outcome.OK, observed.orElse(null), null);
    }

    /** Any other ending: {@link Outcome#FAIL}, {@link Outcome#UNKNOWN}, {@link Outcome#CONFLICT} (CAS only). */
    public Operation complete(Invocation invocation, Outcome outcome) {
        if (outcome == Outcome.OK) {
            throw new IllegalArgumentException("use completeWrite/completeRead for OK");
        }
        return complete(invocation, outcome, null, null);
    }

    private synchronized Operation complete(Invocation invocation, Outcome outcome, String observed, Long version) {
        if (!pending.containsKey(invocation.id())) {
            throw new IllegalStateException("op " + invocation.id() + " is not pending (completed twice?)");
        }
        // Built (and validated) first: a rejected completion leaves the operation pending.
        Operation op = toOperation(invocation, clock.getAsLong(), outcome, observed, version);
        pending.remove(invocation.id());
        completed.add(op);
        return op;
    }

    private static Operation toOperation(Invocation inv, long completeNanos, Outcome outcome, String observed,
                                         Long version) {
        return new Operation(inv.id(), inv.process(), inv.key(), inv.kind(), inv.value(), inv.expected(), observed,
                inv.invokeNanos(), Math.max(completeNanos, inv.invokeNanos()), outcome, version);
    }

    /** Operations invoked so far (pending and completed). */
    public synchronized int size() {
        return pending.size() + completed.size();
    }

    public synchronized boolean isFull() {
        return size() >= capacity;
    }

    /** A snapshot: every completed operation, plus every pending one as UNKNOWN completing now. */
    public synchronized History history() {
        List<Operation> ops = new ArrayList<>(completed);
        long now = clock.getAsLong();
        for (Invocation inv : pending.values()) {
            ops.add(toOperation(inv, now, Outcome.UNKNOWN, null, null));
        }
        return new History(ops);
    }
}

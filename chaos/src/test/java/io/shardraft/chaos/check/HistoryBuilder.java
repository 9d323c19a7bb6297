package io.shardraft.chaos.check;

import io.shardraft.chaos.history.History;
import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.Outcome;

import java.util.ArrayList;
import java.util.List;

/** Hand-built histories for tests: times are plain numbers, ids are assigned in call order. */
final class HistoryBuilder {

    private final List<Operation> ops = new ArrayList<>();

    Operation write(int process, String key, String value, long invoke, long complete) {
        return add(Operation.write(ops.size(), process, key, value, invoke, complete, Outcome.OK, (long) ops.size() + 1));
    }

    Operation write(int process, String key, String value, long invoke, long complete, Outcome outcome) {
        return add(Operation.write(ops.size(), process, key, value, invoke, complete, outcome, null));
    }

    /** {@code observed} null = absent. */
    Operation read(int process, String key, String observed, long invoke, long complete) {
        return add(Operation.read(ops.size(), process, key, observed, invoke, complete, Outcome.OK));
    }

    Operation failedRead(int process, String key, long invoke, long complete, Outcome outcome) {
        return add(Operation.read(ops.size(), process, key, null, invoke, complete, outcome));
    }

    Operation cas(int process, String key, String expected, String value, long invoke, long complete,
                  Outcome outcome) {
        Long version = outcome == Outcome.OK ? (long) ops.size() + 1 : null;
        return add(Operation.cas(ops.size(), process, key, expected, value, invoke, complete, outcome, version));
    }

    private Operation add(Operation op) {
        ops.add(op);
        return op;
    }

    History history() {
        return new History(ops);
    }
}

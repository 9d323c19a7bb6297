package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;

import java.util.List;

/**
 * The linearizability verdict for one key.
 *
 * @param key             the key
 * @param verdict         linearizable, not, or undecided (search limit)
 * @param operations      how many of the key's operations the model constrains (FAIL ones and reads that
 *                        did not return are left out)
 * @param exploredStates  distinct (linearized set, register state) pairs the deciding search explored
 * @param minimal         for NOT_LINEARIZABLE: a small subset of the key's operations that alone has no
 *                        linearization, in invoke order; else empty
 * @param minimalComplete true if no single operation can be dropped from {@code minimal} (shrinking ran to
 *                        the end within its budget)
 */
public record KeyVerdict(String key, Verdict verdict, int operations, long exploredStates,
                         List<Operation> minimal, boolean minimalComplete) {

    public KeyVerdict {
        minimal = List.copyOf(minimal);
    }

    public boolean linearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }
}

package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.OperationKind;
import io.shardraft.chaos.history.Outcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wing–Gong linearizability search with Lowe's memoization, for the operations of one key against
 * {@link RegisterModel}.
 * <p>
 * Calls and returns are laid out in time order in a doubly linked list (calls before returns at equal
 * times, so touching operations count as concurrent). Walking the list, the search linearizes the first
 * call whose operation is legal in the current state and whose (set of linearized operations, state)
 * pair was not seen before, removes its call and return, and starts over from the head; reaching the
 * return of an operation not yet linearized means the current order cannot be extended, so it undoes
 * the last choice and tries the next call after it. Every (set, state) pair is explored at most once.
 * <p>
 * UNKNOWN operations: their return is at +infinity, so they may be linearized anywhere after their call,
 * and they are not required: the search succeeds once every definite operation is linearized (the
 * remaining unknown writes/CAS could always run last, which no one observes, i.e. equal to not running).
 * An UNKNOWN write whose value some definite operation observed (reads OK, CAS OK expects it) must have
 * run before that observer; with unique values its return is capped at the earliest observer's return
 * and it becomes required.
 * <p>
 * Bounded: after {@code stateLimit} distinct (set, state) pairs the search gives up with
 * {@link Verdict#SEARCH_LIMIT}.
 */
final class LinearizationSearch {

    record Result(Verdict verdict, long exploredStates) {
    }

    private LinearizationSearch() {
    }

    /** @param ops operations of one key, all {@link RegisterModel#relevant relevant} */
    static Result run(List<Operation> ops, long stateLimit) {
        int n = ops.size();
        if (n == 0) {
            return new Result(Verdict.LINEARIZABLE, 0);
        }
        RegisterModel model = new RegisterModel(ops);
        long[] returns = new long[n];
        boolean[] required = new boolean[n];
        cappedReturns(ops, returns, required);
        int requiredTotal = 0;
        for (boolean r : required) {
            requiredTotal += r ? 1 : 0;
        }

        // Entries 1..2n, 0 = head sentinel, 2n+1 = tail sentinel.
        int entries = 2 * n;
        Integer[] order = new Integer[entries];
        for (int e = 0; e < entries; e++) {
            order[e] = e;
        }
        // e < n: call of op e; e >= n: return of op e - n.
        Arrays.sort(order, (a, b) -> {
            long ta = a < n ? ops.get(a).invokeNanos() : returns[a - n];
            long tb = b < n ? ops.get(b).invokeNanos() : returns[b - n];
            if (ta != tb) {
                return Long.compare(ta, tb);
            }
            return Boolean.compare(a >= n, b >= n); // calls first
        });
        int head = 0;
        int tail = entries + 1;
        int[] next = new int[entries + 2];
        int[] prev = new int[entries + 2];
        int[] opOf = new int[entries + 2];
        boolean[] isCall = new boolean[entries + 2];
        int[] callEntry = new int[n];
        int[] returnEntry = new int[n];
        for (int pos = 0; pos < entries; pos++) {
            int entry = pos + 1;
            int e = order[pos];
            opOf[entry] = e < n ? e : e - n;
            isCall[entry] = e < n;
            if (e < n) {
                callEntry[e] = entry;
            } else {
                returnEntry[e - n] = entry;
            }
            prev[entry] = entry - 1;
            next[entry] = entry + 1;
        }
        next[head] = 1;
        prev[tail] = entries;

        Set<Memo> seen = new HashSet<>();
        long[] linearized = new long[(n + 63) / 64];
        int[] stackOp = new int[n];
        int[] stackState = new int[n];
        int depth = 0;
        int state = RegisterModel.ABSENT;
        int requiredDone = 0;
        int entry = next[head];
        while (true) {
            if (requiredDone == requiredTotal) {
                return new Result(Verdict.LINEARIZABLE, seen.size());
            }
            boolean backtrack = entry == tail || !isCall[entry];
            if (!backtrack) {
                int op = opOf[entry];
                int after = model.step(state, op);
                if (after != RegisterModel.ILLEGAL) {
                    linearized[op >>> 6] |= 1L << op;
                    if (seen.add(Memo.of(linearized, after))) {
                        if (seen.size() > stateLimit) {
                            return new Result(Verdict.SEARCH_LIMIT, seen.size());
                        }
                        stackOp[depth] = op;
                        stackState[depth] = state;
                        depth++;
                        state = after;
                        requiredDone += required[op] ? 1 : 0;
                        unlink(callEntry[op], next, prev);
                        unlink(returnEntry[op], next, prev);
                        entry = next[head];
                        continue;
                    }
                    linearized[op >>> 6] &= ~(1L << op);
                    // A legal read-only operation is linearized greedily (see forced below), so having
                    // explored that successor already means this configuration fails too.
                    backtrack = model.readOnly(op);
                }
                if (!backtrack) {
                    entry = next[entry];
                    continue;
                }
            }
            // A return reached with required operations left (or a forced move that failed): undo the last
            // choice and try the next call after it. A legal read-only operation that can be linearized now
            // is always linearized first: moving it to the front of any successful order keeps that order
            // valid (it changes no state, and everything that returned before it was called is already
            // linearized), so when it fails nothing else at that depth can succeed — keep undoing.
            int op;
            do {
                if (depth == 0) {
                    return new Result(Verdict.NOT_LINEARIZABLE, seen.size());
                }
                depth--;
                op = stackOp[depth];
                state = stackState[depth];
                linearized[op >>> 6] &= ~(1L << op);
                requiredDone -= required[op] ? 1 : 0;
                relink(returnEntry[op], next, prev);
                relink(callEntry[op], next, prev);
            } while (model.readOnly(op));
            entry = next[callEntry[op]];
        }
    }

    private static void unlink(int entry, int[] next, int[] prev) {
        next[prev[entry]] = next[entry];
        prev[next[entry]] = prev[entry];
    }

    /** Undo of {@link #unlink}; entries are relinked in the reverse order they were unlinked. */
    private static void relink(int entry, int[] next, int[] prev) {
        next[prev[entry]] = entry;
        prev[next[entry]] = entry;
    }

    /**
     * Definite operations return when they returned. UNKNOWN ones return at +infinity and are optional,
     * unless their (unique) value was observed by a definite operation: then they return with the earliest
     * observer and are required.
     */
    private static void cappedReturns(List<Operation> ops, long[] returns, boolean[] required) {
        Map<String, Integer> writers = new HashMap<>();
        Map<String, Long> firstObserverReturn = new HashMap<>();
        for (Operation op : ops) {
            if (op.mayHaveWritten()) {
                writers.merge(op.value(), 1, Integer::sum);
            }
            String seenValue = observedBy(op);
            if (seenValue != null) {
                firstObserverReturn.merge(seenValue, op.completeNanos(), Math::min);
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            if (op.outcome() != Outcome.UNKNOWN) {
                returns[i] = op.completeNanos();
                required[i] = true;
            } else {
                Long cap = firstObserverReturn.get(op.value());
                boolean capped = cap != null && writers.get(op.value()) == 1;
                returns[i] = capped ? Math.max(cap, op.invokeNanos()) : Long.MAX_VALUE;
                required[i] = capped;
            }
        }
    }

    /** The value a definite operation proves was current at its linearization point, if any. */
    static String observedBy(Operation op) {
        if (op.outcome() != Outcome.OK) {
            return null;
        }
        return op.kind() == OperationKind.READ ? op.observed()
                : op.kind() == OperationKind.CAS ? op.expected() : null;
    }

    /**
     * Without the UNKNOWN writes/CAS whose value no operation relies on (an OK read or OK CAS observed it, or
     * an UNKNOWN CAS expects it). If the rest is linearizable so is the whole (they can all go last); if the
     * key has no CONFLICT, the converse holds too: between such a write and the next one no kept operation
     * can sit, since only a conflict is satisfied by a value it does not name.
     */
    static List<Operation> withoutUnobservedUnknowns(List<Operation> ops) {
        Set<String> observed = new HashSet<>();
        for (Operation op : ops) {
            String v = observedBy(op);
            if (v != null) {
                observed.add(v);
            }
            if (op.kind() == OperationKind.CAS && op.outcome() == Outcome.UNKNOWN && op.expected() != null) {
                observed.add(op.expected());
            }
        }
        List<Operation> kept = new ArrayList<>(ops.size());
        for (Operation op : ops) {
            if (op.outcome() != Outcome.UNKNOWN || observed.contains(op.value())) {
                kept.add(op);
            }
        }
        return kept;
    }

    /**
     * A visited configuration: the linearized set, stored compactly as the number of leading all-linearized
     * 64-operation words plus the words after them up to the last linearized operation (a search frontier
     * is narrow, so this stays a few words however long the history), and the register state.
     */
    private record Memo(int fullWords, long[] tail, int state) {

        static Memo of(long[] bits, int state) {
            int full = 0;
            while (full < bits.length && bits[full] == -1L) {
                full++;
            }
            int last = bits.length - 1;
            while (last >= full && bits[last] == 0) {
                last--;
            }
            return new Memo(full, Arrays.copyOfRange(bits, full, last + 1), state);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Memo m && m.state == state && m.fullWords == fullWords && Arrays.equals(m.tail, tail);
        }

        @Override
        public int hashCode() {
            return (31 * Arrays.hashCode(tail) + fullWords) * 31 + state;
        }
    }
}

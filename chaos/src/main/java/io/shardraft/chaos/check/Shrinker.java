package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.OperationKind;
import io.shardraft.chaos.history.Outcome;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Shrinks a non-linearizable set of operations to a small one that is still non-linearizable, by
 * dropping chunks of operations (halves, quarters, … single operations, latest first) while the
 * predicate keeps failing — delta debugging, bounded by a number of checks.
 * <p>
 * Dropping operations is not monotone in general (without its writer, any read is "non-linearizable"
 * for having seen a value from nowhere), so writes are only dropped when no kept operation could rely on
 * them (see {@link #withoutRange}); reads and conflicts only add constraints and are always droppable.
 * That way the result is a real witness: no linearization for it means none for the whole key.
 */
final class Shrinker {

    record Shrunk(List<Operation> operations, boolean complete, int checks) {
    }

    private Shrinker() {
    }

    /** @param stillFails true when the candidate set is (proven) non-linearizable */
    static Shrunk shrink(List<Operation> failing, Predicate<List<Operation>> stillFails, int maxChecks) {
        List<Operation> current = new ArrayList<>(failing);
        int checks = 0;
        // Conflicts make every write matter; try without all of them first.
        List<Operation> withoutConflicts = current.stream().filter(op -> op.outcome() != Outcome.CONFLICT).toList();
        if (withoutConflicts.size() < current.size() && maxChecks > 0) {
            checks++;
            if (stillFails.test(withoutConflicts)) {
                current = new ArrayList<>(withoutConflicts);
            }
        }
        int chunk = Math.max(1, current.size() / 2);
        boolean complete = false;
        while (true) {
            boolean changed = false;
            boolean fullPass = true;
            for (int start = current.size() - chunk; start > -chunk; start -= chunk) {
                List<Operation> candidate = withoutRange(current, Math.max(0, start), start + chunk);
                if (candidate.size() == current.size()) {
                    continue;
                }
                if (checks >= maxChecks) {
                    fullPass = false;
                    break;
                }
                checks++;
                if (stillFails.test(candidate)) {
                    current = candidate;
                    changed = true;
                }
            }
            if (!fullPass) {
                break;
            }
            if (chunk > 1) {
                chunk = Math.max(1, chunk / 2);
            } else if (!changed) {
                complete = true;
                break;
            }
        }
        return new Shrunk(List.copyOf(current), complete, checks);
    }

    /**
     * {@code ops} without positions [from, to), except the writes the rest still needs: the writer of a
     * value a kept operation observed (an OK read's value, an OK or UNKNOWN CAS's expected value), and
     * every write while a CONFLICT is kept (it may have been the value that made the CAS conflict).
     * Dropping any other write W keeps every linearization of the larger set valid with W taken out: only
     * the operations between W and the next write see a different state, and none of them relies on it —
     * reads and OK CAS there observed W's value (so W would be kept), and an unobserved UNKNOWN CAS can move
     * to the end. So a candidate with no linearization proves the whole key has none.
     */
    private static List<Operation> withoutRange(List<Operation> ops, int from, int to) {
        Set<Operation> kept = new LinkedHashSet<>(ops.subList(0, from));
        kept.addAll(ops.subList(to, ops.size()));
        List<Operation> dropped = ops.subList(from, Math.min(to, ops.size()));
        boolean grew = true;
        while (grew) {
            grew = false;
            boolean everyWriteMatters = kept.stream().anyMatch(op -> op.outcome() == Outcome.CONFLICT);
            Set<String> observed = new HashSet<>();
            for (Operation op : kept) {
                String value = LinearizationSearch.observedBy(op);
                if (value != null) {
                    observed.add(value);
                }
                if (op.kind() == OperationKind.CAS && op.outcome() == Outcome.UNKNOWN && op.expected() != null) {
                    observed.add(op.expected());
                }
            }
            for (Operation op : dropped) {
                if (op.mayHaveWritten() && !kept.contains(op) && (everyWriteMatters || observed.contains(op.value()))) {
                    kept.add(op);
                    grew = true;
                }
            }
        }
        List<Operation> result = new ArrayList<>(kept.size());
        for (Operation op : ops) {
            if (kept.contains(op)) {
                result.add(op);
            }
        }
        return result;
    }
}

package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Shrinks a non-linearizable set of operations to a small one that is still non-linearizable, by
 * dropping chunks of operations (halves, quarters, … single operations, latest first) while the
 * predicate keeps failing — delta debugging, bounded by a number of checks.
 * <p>
 * One rule keeps the result meaningful: the writer of a value some remaining operation observed is never
 * dropped, otherwise any lone read would be "non-linearizable" for having seen a value from nowhere.
 */
final class Shrinker {

    record Shrunk(List<Operation> operations, boolean complete, int checks) {
    }

    private Shrinker() {
    }

    /** @param stillFails true when the candidate set is (proven) non-linearizable */
    static Shrunk shrink(List<Operation> failing, Predicate<List<Operation>> stillFails, int maxChecks) {
        Map<String, Operation> writerOf = new HashMap<>();
        for (Operation op : failing) {
            if (op.mutates()) {
                writerOf.putIfAbsent(op.value(), op);
            }
        }
        List<Operation> current = new ArrayList<>(failing);
        int checks = 0;
        int chunk = Math.max(1, current.size() / 2);
        boolean complete = false;
        while (true) {
            boolean changed = false;
            boolean fullPass = true;
            for (int start = current.size() - chunk; start > -chunk; start -= chunk) {
                List<Operation> candidate = withoutRange(current, Math.max(0, start), start + chunk, writerOf);
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

    /** {@code ops} without positions [from, to), except writers still needed by what remains. */
    private static List<Operation> withoutRange(List<Operation> ops, int from, int to,
                                                Map<String, Operation> writerOf) {
        Set<Operation> kept = new LinkedHashSet<>(ops.subList(0, from));
        kept.addAll(ops.subList(to, ops.size()));
        List<Operation> pending = new ArrayList<>(kept);
        while (!pending.isEmpty()) {
            Operation op = pending.remove(pending.size() - 1);
            String needed = LinearizationSearch.observedBy(op);
            Operation writer = needed == null ? null : writerOf.get(needed);
            if (writer != null && kept.add(writer)) {
                pending.add(writer);
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

package io.shardraft.chaos.check;

import io.shardraft.chaos.history.History;
import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that each key of a history behaves as a linearizable register ({@link RegisterModel}); keys are
 * independent (P-compositionality), so each is searched on its own ({@link LinearizationSearch}).
 * <p>
 * Per key, a first search leaves out UNKNOWN writes no one observed (if the rest is linearizable, they can
 * all be placed last); only if that fails does a second search include them. A non-linearizable key is
 * shrunk ({@link Shrinker}) to a small set of operations that still has no linearization.
 */
public final class LinearizabilityCheck {

    /** Distinct (linearized set, state) pairs one search may explore before giving up. */
    public static final long DEFAULT_STATE_LIMIT = 2_000_000;
    /** Searches the shrinking of one non-linearizable key may run. */
    public static final int DEFAULT_SHRINK_CHECKS = 1_000;
    /** The shrinking of one key may explore this many times the state limit in all its searches together. */
    static final long SHRINK_STATE_FACTOR = 10;

    private final long stateLimit;
    private final int shrinkChecks;

    public LinearizabilityCheck() {
        this(DEFAULT_STATE_LIMIT, DEFAULT_SHRINK_CHECKS);
    }

    public LinearizabilityCheck(long stateLimit, int shrinkChecks) {
        if (stateLimit <= 0 || shrinkChecks < 0) {
            throw new IllegalArgumentException("stateLimit must be positive, shrinkChecks not negative");
        }
        this.stateLimit = stateLimit;
        this.shrinkChecks = shrinkChecks;
    }

    public LinearizabilityResult check(History history) {
        List<KeyVerdict> verdicts = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> key : history.byKey().entrySet()) {
            verdicts.add(checkKey(key.getKey(), key.getValue()));
        }
        return new LinearizabilityResult(verdicts);
    }

    /** @param ops the operations of one key, in any order */
    public KeyVerdict checkKey(String key, List<Operation> ops) {
        List<Operation> relevant = new ArrayList<>();
        for (Operation op : ops) {
            if (!op.key().equals(key)) {
                throw new IllegalArgumentException("operation " + op.id() + " is not on key " + key);
            }
            if (RegisterModel.relevant(op)) {
                relevant.add(op);
            }
        }
        relevant.sort(java.util.Comparator.comparingLong(Operation::invokeNanos).thenComparingLong(Operation::id));
        LinearizationSearch.Result result = search(relevant);
        if (result.verdict() != Verdict.NOT_LINEARIZABLE) {
            return new KeyVerdict(key, result.verdict(), relevant.size(), result.exploredStates(), List.of(), false);
        }
        long[] shrinkStates = {0};
        Shrinker.Shrunk shrunk = Shrinker.shrink(relevant, candidate -> {
            if (shrinkStates[0] > SHRINK_STATE_FACTOR * stateLimit) {
                return false; // budget spent: keep what is left
            }
            LinearizationSearch.Result r = search(candidate);
            shrinkStates[0] += r.exploredStates();
            return r.verdict() == Verdict.NOT_LINEARIZABLE;
        }, shrinkChecks);
        boolean complete = shrunk.complete() && shrinkStates[0] <= SHRINK_STATE_FACTOR * stateLimit;
        return new KeyVerdict(key, Verdict.NOT_LINEARIZABLE, relevant.size(), result.exploredStates(),
                shrunk.operations(), complete);
    }

    /**
     * Cheapest sound answer first. (1) Without the UNKNOWN operations no one observed: linearizable means
     * linearizable (they can all go last). (2) Without CONFLICTs as well, that search is exact (only a
     * conflict can need an unobserved write), and CONFLICTs only add constraints: no linearization there
     * means none at all. (3) Otherwise the full search, unknown operations included.
     */
    private LinearizationSearch.Result search(List<Operation> ops) {
        List<Operation> pruned = LinearizationSearch.withoutUnobservedUnknowns(ops);
        LinearizationSearch.Result quick = LinearizationSearch.run(pruned, stateLimit);
        if (quick.verdict() == Verdict.LINEARIZABLE || pruned.size() == ops.size()) {
            return quick;
        }
        List<Operation> withoutConflicts = ops.stream().filter(op -> op.outcome() != Outcome.CONFLICT).toList();
        LinearizationSearch.Result refuted = withoutConflicts.size() == ops.size() ? quick
                : LinearizationSearch.run(LinearizationSearch.withoutUnobservedUnknowns(withoutConflicts), stateLimit);
        if (refuted.verdict() != Verdict.LINEARIZABLE) {
            return refuted;
        }
        return LinearizationSearch.run(ops, stateLimit);
    }
}

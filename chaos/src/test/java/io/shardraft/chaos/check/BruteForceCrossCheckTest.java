package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.OperationKind;
import io.shardraft.chaos.history.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search with all its shortcuts (pruned unknowns, greedy reads, capped unknown returns, refutation
 * without conflicts, shrinking) against the definition: try every order of the definite operations and
 * every subset of the unknown ones, on small random histories, linearizable or not.
 */
class BruteForceCrossCheckTest {

    @Test
    void searchAgreesWithExhaustiveEnumeration() {
        Random random = new Random(42);
        LinearizabilityCheck check = new LinearizabilityCheck();
        int linearizable = 0;
        int violations = 0;
        for (int round = 0; round < 4000; round++) {
            List<Operation> ops = randomHistory(random, 2 + random.nextInt(6));
            List<Operation> relevant = ops.stream().filter(RegisterModel::relevant).toList();
            boolean expected = bruteForce(relevant);
            KeyVerdict verdict = check.checkKey("k", ops);
            assertEquals(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE, verdict.verdict(),
                    "round " + round + ": " + ops);
            if (expected) {
                linearizable++;
            } else {
                violations++;
                assertFalse(bruteForce(verdict.minimal()), "the shrunk set must have no linearization: " + ops);
                assertTrue(relevant.containsAll(verdict.minimal()));
            }
        }
        // Both kinds occur often enough for the comparison to mean something.
        assertTrue(linearizable > 800, "linearizable " + linearizable);
        assertTrue(violations > 800, "violations " + violations);
    }

    private static List<Operation> randomHistory(Random random, int n) {
        List<Operation> ops = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add("v" + i);
        }
        for (int i = 0; i < n; i++) {
            long invoke = random.nextInt(30);
            long complete = invoke + random.nextInt(12);
            int kind = random.nextInt(3);
            int fate = random.nextInt(10);
            Outcome outcome = fate < 7 ? Outcome.OK : fate < 9 ? Outcome.UNKNOWN : Outcome.FAIL;
            String someValue = random.nextInt(4) == 0 ? null : values.get(random.nextInt(n));
            if (kind == 0) {
                ops.add(Operation.write(i, i, "k", "v" + i, invoke, complete, outcome, null));
            } else if (kind == 1) {
                ops.add(Operation.read(i, i, "k", outcome == Outcome.OK ? someValue : null, invoke, complete, outcome));
            } else {
                Outcome casOutcome = outcome == Outcome.OK && random.nextBoolean() ? Outcome.CONFLICT : outcome;
                ops.add(Operation.cas(i, i, "k", someValue, "v" + i, invoke, complete, casOutcome, null));
            }
        }
        return ops;
    }

    /** Some order of all definite operations plus some of the unknown ones respects real time and the register. */
    static boolean bruteForce(List<Operation> ops) {
        return extend(ops, new boolean[ops.size()], null, new ArrayList<>());
    }

    private static boolean extend(List<Operation> ops, boolean[] used, String state, List<Operation> order) {
        boolean definiteLeft = false;
        for (int i = 0; i < ops.size(); i++) {
            if (!used[i] && ops.get(i).outcome() != Outcome.UNKNOWN) {
                definiteLeft = true;
            }
        }
        if (!definiteLeft) {
            return true; // remaining unknown operations never happened (or happened last, unseen)
        }
        for (int i = 0; i < ops.size(); i++) {
            if (used[i] || !minimal(ops, used, i)) {
                continue;
            }
            Operation op = ops.get(i);
            String after = apply(op, state);
            if (after == ILLEGAL) {
                continue;
            }
            used[i] = true;
            order.add(op);
            boolean ok = extend(ops, used, after, order);
            order.remove(order.size() - 1);
            used[i] = false;
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /** No unused operation returned before op i was invoked (UNKNOWN ones never return). */
    private static boolean minimal(List<Operation> ops, boolean[] used, int i) {
        for (int j = 0; j < ops.size(); j++) {
            Operation other = ops.get(j);
            if (!used[j] && j != i && other.outcome() != Outcome.UNKNOWN
                    && other.completeNanos() < ops.get(i).invokeNanos()) {
                return false;
            }
        }
        return true;
    }

    private static final String ILLEGAL = new String("illegal");

    private static String apply(Operation op, String state) {
        if (op.kind() == OperationKind.WRITE) {
            return op.value();
        }
        if (op.kind() == OperationKind.READ) {
            return Objects.equals(state, op.observed()) ? state : ILLEGAL;
        }
        boolean matches = Objects.equals(state, op.expected());
        return switch (op.outcome()) {
            case OK -> matches ? op.value() : ILLEGAL;
            case CONFLICT -> matches ? ILLEGAL : state;
            default -> matches ? op.value() : state; // UNKNOWN: applies when it matches
        };
    }
}

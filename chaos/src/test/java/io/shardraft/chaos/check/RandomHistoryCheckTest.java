package io.shardraft.chaos.check;

import io.shardraft.chaos.history.History;
import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.OperationKind;
import io.shardraft.chaos.history.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomHistoryCheckTest {

    private static final int OPERATIONS = 2000;

    @Test
    void generatedLinearizableHistoriesPassEveryCheck() {
        for (long seed = 1; seed <= 5; seed++) {
            RandomRegisterHistory.Generated generated = RandomRegisterHistory.generate(seed, 10, 5, OPERATIONS);
            History history = generated.history();
            assertEquals(OPERATIONS, history.size());
            assertTrue(history.operations().stream().anyMatch(op -> op.outcome() == Outcome.UNKNOWN));
            assertTrue(history.operations().stream().anyMatch(op -> op.outcome() == Outcome.CONFLICT));

            long start = System.nanoTime();
            CheckReport report = new Checker().check(history, generated.finalValues(), Map.of());
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("seed %d: %d ops, %d keys, %d states explored, checked in %d ms%n", seed,
                    history.size(), report.linearizability().keys().size(),
                    report.linearizability().exploredStates(), millis);

            assertTrue(report.passed(), report.render());
            assertEquals(5, report.linearizability().keys().size());
            assertTrue(report.lostWrites().acknowledged() > 500);
        }
    }

    @Test
    void oneCorruptedReadIsFound() {
        for (long seed = 7; seed <= 11; seed++) {
            corruptedReadIsFound(seed);
        }
    }

    private void corruptedReadIsFound(long seed) {
        History history = RandomRegisterHistory.generate(seed, 10, 5, OPERATIONS).history();
        Corruption corruption = corruptOneRead(history);

        long start = System.nanoTime();
        LinearizabilityResult result = new LinearizabilityCheck().check(corruption.history());
        long millis = (System.nanoTime() - start) / 1_000_000;
        CheckReport report = new CheckReport(history.size(), history.originNanos(),
                new LostWriteResult(0, List.of()), result, new ReplicaResult(0, List.of()));
        System.out.printf("seed %d corrupted: checked and shrunk in %d ms, %d states explored%n%s", seed, millis,
                result.exploredStates(), report.render());

        assertFalse(result.passed());
        assertEquals(1, result.violations().size());
        KeyVerdict violation = result.violations().get(0);
        assertEquals(corruption.read().key(), violation.key());
        assertTrue(violation.minimal().contains(corruption.read()), report.render());
        assertTrue(violation.minimal().size() <= 6, report.render());
        // The shrunk set on its own is still refuted.
        assertEquals(Verdict.NOT_LINEARIZABLE,
                new LinearizabilityCheck().checkKey(violation.key(), violation.minimal()).verdict());
        // Every other key is untouched and still passes.
        assertEquals(4, result.keys().stream().filter(KeyVerdict::linearizable).count());
    }

    private record Corruption(History history, Operation read) {
    }

    /**
     * Makes one read from the middle of the history return a value that is certainly stale: written by an
     * acknowledged operation a that completed before another acknowledged write b was invoked, while b
     * completed before the read was invoked.
     */
    private static Corruption corruptOneRead(History history) {
        List<Operation> ops = history.operations();
        for (int i = ops.size() / 2; i < ops.size(); i++) {
            Operation read = ops.get(i);
            if (read.kind() != OperationKind.READ || read.outcome() != Outcome.OK) {
                continue;
            }
            Operation stale = null;
            for (Operation b : ops) {
                if (!acknowledgedWrite(b, read.key()) || b.completeNanos() >= read.invokeNanos()) {
                    continue;
                }
                for (Operation a : ops) {
                    if (acknowledgedWrite(a, read.key()) && a.completeNanos() < b.invokeNanos()) {
                        stale = a;
                    }
                }
            }
            if (stale != null && !stale.value().equals(read.observed())) {
                Operation corrupted = read.withObserved(stale.value());
                List<Operation> changed = new ArrayList<>(ops);
                changed.set(i, corrupted);
                return new Corruption(new History(changed), corrupted);
            }
        }
        throw new AssertionError("no read to corrupt");
    }

    private static boolean acknowledgedWrite(Operation op, String key) {
        return op.key().equals(key) && op.mutates() && op.outcome() == Outcome.OK;
    }

    @Test
    void generatorProducesTheRequestedMix() {
        History history = RandomRegisterHistory.generate(3, 10, 5, OPERATIONS).history();
        Map<String, List<Operation>> byKey = history.byKey();
        assertEquals(5, byKey.size());
        for (OperationKind kind : OperationKind.values()) {
            assertTrue(history.operations().stream().anyMatch(op -> op.kind() == kind), kind.name());
        }
        // Overlapping operations exist on the same key (otherwise the search would be trivial).
        List<Operation> k0 = byKey.get("k0");
        assertNotNull(k0);
        boolean overlap = false;
        for (int i = 1; i < k0.size() && !overlap; i++) {
            overlap = k0.get(i).invokeNanos() < k0.get(i - 1).completeNanos();
        }
        assertTrue(overlap);
    }
}

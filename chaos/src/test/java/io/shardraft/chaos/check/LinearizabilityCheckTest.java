package io.shardraft.chaos.check;

import io.shardraft.chaos.history.History;
import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearizabilityCheckTest {

    private final LinearizabilityCheck check = new LinearizabilityCheck();

    private KeyVerdict only(History history) {
        LinearizabilityResult result = check.check(history);
        assertEquals(1, result.keys().size());
        return result.keys().get(0);
    }

    @Test
    void staleReadAfterACompletedWriteIsFlaggedWithTheMinimalOperations() {
        HistoryBuilder h = new HistoryBuilder();
        h.read(3, "k", null, 0, 2);               // irrelevant: shrinking drops it
        Operation a = h.write(1, "k", "a", 5, 10);
        h.read(3, "k", "a", 11, 12);              // irrelevant too
        Operation b = h.write(1, "k", "b", 20, 30);
        Operation stale = h.read(2, "k", "a", 40, 50);
        h.write(1, "other", "x", 0, 100);         // another key, checked separately
        h.read(2, "other", "x", 101, 102);

        LinearizabilityResult result = check.check(h.history());
        CheckReport report = new CheckReport(h.history().size(), 0, new LostWriteResult(0, List.of()), result,
                new ReplicaResult(0, List.of()));
        System.out.println(report.render());

        assertFalse(result.passed());
        assertEquals(1, result.violations().size());
        KeyVerdict k = result.violations().get(0);
        assertEquals("k", k.key());
        assertEquals(Verdict.NOT_LINEARIZABLE, k.verdict());
        assertEquals(List.of(a, b, stale), k.minimal());
        assertTrue(k.minimalComplete());
        assertTrue(result.keys().stream().filter(v -> v.key().equals("other")).allMatch(KeyVerdict::linearizable));
        String text = report.render();
        assertTrue(text.contains("key k: not linearizable; minimal 3 of 5 operations"), text);
        assertTrue(text.contains("#" + stale.id() + " p2 read  k -> a OK"), text);
    }

    @Test
    void readOverlappingAWriteMaySeeTheOldOrTheNewValue() {
        for (String seen : new String[] {"a", "b"}) {
            HistoryBuilder h = new HistoryBuilder();
            h.write(1, "k", "a", 0, 10);
            h.write(1, "k", "b", 20, 40);
            h.read(2, "k", seen, 25, 35);  // inside b's interval
            h.read(3, "k", "b", 50, 60);   // after b completed only b is possible
            assertTrue(only(h.history()).linearizable(), seen);
        }
    }

    @Test
    void twoOverlappingReadsMustAgreeOnTheOrderOfTheWrite() {
        // r1 sees the new value and completes before r2 starts, so r2 cannot see the old value again.
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.write(1, "k", "b", 20, 100);
        h.read(2, "k", "b", 25, 35);
        h.read(3, "k", "a", 40, 50);
        assertEquals(Verdict.NOT_LINEARIZABLE, only(h.history()).verdict());
    }

    @Test
    void readOfAnAbsentKeyBeforeAnyWriteIsFineButNotAfterOne() {
        HistoryBuilder ok = new HistoryBuilder();
        ok.read(1, "k", null, 0, 5);
        ok.write(2, "k", "a", 3, 10);
        ok.read(1, "k", "a", 11, 12);
        assertTrue(only(ok.history()).linearizable());

        HistoryBuilder bad = new HistoryBuilder();
        bad.write(2, "k", "a", 0, 10);
        bad.read(1, "k", null, 11, 12);
        assertEquals(Verdict.NOT_LINEARIZABLE, only(bad.history()).verdict());
    }

    @Test
    void unknownWriteThatWasAppliedAndObservedPasses() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.write(2, "k", "u", 20, 30, Outcome.UNKNOWN); // timed out at 30, applied later
        h.read(3, "k", "a", 35, 40);
        h.read(3, "k", "u", 50, 60);
        h.read(1, "k", "u", 70, 80);
        assertTrue(only(h.history()).linearizable());
    }

    @Test
    void unknownWriteThatWasNeverAppliedPasses() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.write(2, "k", "u", 20, 30, Outcome.UNKNOWN);
        h.read(3, "k", "a", 35, 40);
        h.read(3, "k", "a", 500, 600);
        h.write(1, "k", "b", 700, 710);
        h.read(3, "k", "b", 800, 900);
        assertTrue(only(h.history()).linearizable());
    }

    @Test
    void unknownWriteCannotBeObservedAndThenUnobserved() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.write(2, "k", "u", 20, 30, Outcome.UNKNOWN);
        h.read(3, "k", "u", 40, 50);
        h.read(3, "k", "a", 60, 70); // a is back, but nothing wrote a after u
        assertEquals(Verdict.NOT_LINEARIZABLE, only(h.history()).verdict());
    }

    @Test
    void unknownWriteCannotBeObservedBeforeItWasInvoked() {
        HistoryBuilder h = new HistoryBuilder();
        h.read(3, "k", "u", 0, 10);
        h.write(2, "k", "u", 20, 30, Outcome.UNKNOWN);
        assertEquals(Verdict.NOT_LINEARIZABLE, only(h.history()).verdict());
    }

    @Test
    void failedWriteMustNeverBeObserved() {
        HistoryBuilder h = new HistoryBuilder();
        Operation failed = h.write(2, "k", "f", 0, 10, Outcome.FAIL);
        Operation read = h.read(3, "k", "f", 20, 30);
        KeyVerdict k = only(h.history());
        assertEquals(Verdict.NOT_LINEARIZABLE, k.verdict());
        assertEquals(List.of(read), k.minimal()); // the failed write is not part of the model
        assertEquals(1, k.operations(), failed + " is left out");
    }

    @Test
    void readsThatDidNotReturnAreIgnored() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.failedRead(2, "k", 20, 30, Outcome.UNKNOWN);
        h.failedRead(2, "k", 40, 50, Outcome.FAIL);
        KeyVerdict k = only(h.history());
        assertTrue(k.linearizable());
        assertEquals(1, k.operations());
    }

    @Test
    void casSucceedsOnlyOnTheExpectedValue() {
        HistoryBuilder ok = new HistoryBuilder();
        ok.cas(1, "k", null, "a", 0, 10, Outcome.OK);   // create if absent
        ok.cas(2, "k", "a", "b", 20, 30, Outcome.OK);
        ok.read(3, "k", "b", 40, 50);
        assertTrue(only(ok.history()).linearizable());

        HistoryBuilder bad = new HistoryBuilder();
        bad.write(1, "k", "a", 0, 10);
        bad.write(1, "k", "b", 20, 30);
        bad.cas(2, "k", "a", "c", 40, 50, Outcome.OK);  // a was no longer current
        assertEquals(Verdict.NOT_LINEARIZABLE, only(bad.history()).verdict());
    }

    @Test
    void concurrentCasOnTheSameExpectedValueCannotBothSucceed() {
        HistoryBuilder both = new HistoryBuilder();
        both.write(1, "k", "a", 0, 10);
        both.cas(2, "k", "a", "b", 20, 40, Outcome.OK);
        both.cas(3, "k", "a", "c", 20, 40, Outcome.OK);
        assertEquals(Verdict.NOT_LINEARIZABLE, only(both.history()).verdict());

        HistoryBuilder oneConflicts = new HistoryBuilder();
        oneConflicts.write(1, "k", "a", 0, 10);
        oneConflicts.cas(2, "k", "a", "b", 20, 40, Outcome.OK);
        oneConflicts.cas(3, "k", "a", "c", 20, 40, Outcome.CONFLICT);
        oneConflicts.read(1, "k", "b", 50, 60);
        assertTrue(only(oneConflicts.history()).linearizable());
    }

    @Test
    void conflictProvesTheExpectedValueWasNotCurrent() {
        HistoryBuilder bad = new HistoryBuilder();
        bad.write(1, "k", "a", 0, 10);
        bad.cas(2, "k", "a", "b", 20, 30, Outcome.CONFLICT); // but a was current the whole time
        bad.read(3, "k", "a", 40, 50);
        assertEquals(Verdict.NOT_LINEARIZABLE, only(bad.history()).verdict());

        HistoryBuilder ok = new HistoryBuilder();
        ok.write(1, "k", "a", 0, 10);
        ok.write(1, "k", "c", 15, 35);
        ok.cas(2, "k", "a", "b", 20, 30, Outcome.CONFLICT);  // ordered after c
        ok.read(3, "k", "c", 40, 50);
        assertTrue(only(ok.history()).linearizable());
    }

    @Test
    void unknownCasMayOrMayNotHaveApplied() {
        HistoryBuilder applied = new HistoryBuilder();
        applied.write(1, "k", "a", 0, 10);
        applied.cas(2, "k", "a", "b", 20, 30, Outcome.UNKNOWN);
        applied.read(3, "k", "b", 40, 50);
        assertTrue(only(applied.history()).linearizable());

        HistoryBuilder notApplied = new HistoryBuilder();
        notApplied.write(1, "k", "a", 0, 10);
        notApplied.cas(2, "k", "a", "b", 20, 30, Outcome.UNKNOWN);
        notApplied.read(3, "k", "a", 40, 50);
        assertTrue(only(notApplied.history()).linearizable());

        // An unknown CAS whose expected value was never current cannot have applied.
        HistoryBuilder impossible = new HistoryBuilder();
        impossible.write(1, "k", "a", 0, 10);
        impossible.cas(2, "k", "zzz", "b", 20, 30, Outcome.UNKNOWN);
        impossible.read(3, "k", "b", 40, 50);
        assertEquals(Verdict.NOT_LINEARIZABLE, only(impossible.history()).verdict());
    }

    @Test
    void unobservedUnknownWriteCanMatterToAConflict() {
        // The conflict is only explained if the unknown write u ran before it: the second search
        // (with unobserved unknown writes included) must find that.
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.write(2, "k", "u", 20, 30, Outcome.UNKNOWN);
        h.cas(3, "k", "a", "b", 40, 50, Outcome.CONFLICT);
        assertTrue(only(h.history()).linearizable());
    }

    @Test
    void unknownWriteCannotExplainBothAConflictAndALaterReadOfTheOldValue() {
        // u would have to run before the conflict (so a is not current) and after the read of a: impossible.
        HistoryBuilder h = new HistoryBuilder();
        Operation a = h.write(1, "k", "a", 0, 10);
        Operation u = h.write(2, "k", "u", 20, 30, Outcome.UNKNOWN);
        Operation conflict = h.cas(3, "k", "a", "b", 40, 50, Outcome.CONFLICT);
        Operation read = h.read(3, "k", "a", 60, 70);
        h.read(4, "k", null, 0, 5); // dropped when shrinking

        KeyVerdict k = only(h.history());

        assertEquals(Verdict.NOT_LINEARIZABLE, k.verdict());
        assertEquals(List.of(a, u, conflict, read), k.minimal());
        assertTrue(k.minimalComplete());
    }

    @Test
    void shrinkingKeepsEveryWriteAConflictMayRelyOn() {
        // The conflict is explained by b; the violation is the conflict itself once b is over and a is back.
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.write(2, "k", "b", 20, 30);
        h.write(1, "k", "c", 40, 50);
        h.cas(3, "k", "c", "d", 60, 70, Outcome.CONFLICT); // c is current: must not conflict
        h.read(4, "k", "c", 80, 90);
        KeyVerdict k = only(h.history());
        assertEquals(Verdict.NOT_LINEARIZABLE, k.verdict());
        // Dropping a or b would not remove the violation, but they are writes a conflict may rely on, so
        // only the read can go.
        assertEquals(4, k.minimal().size(), k.minimal().toString());
        assertTrue(k.minimal().stream().noneMatch(op -> op.id() == 4));
    }

    @Test
    void searchLimitIsReportedAsUndecided() {
        HistoryBuilder h = new HistoryBuilder();
        for (int i = 0; i < 12; i++) {
            h.write(i, "k", "v" + i, 0, 100);  // all concurrent
        }
        h.read(99, "k", "nobody-wrote-this", 200, 300);
        LinearizabilityResult result = new LinearizabilityCheck(50, 10).check(h.history());
        KeyVerdict k = result.keys().get(0);
        assertEquals(Verdict.SEARCH_LIMIT, k.verdict());
        assertFalse(result.passed());
        assertEquals(List.of(k), result.undecided());
        assertTrue(result.violations().isEmpty());
    }

    @Test
    void keysAreCheckedIndependently() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "a", "1", 0, 10);
        h.write(1, "b", "2", 0, 10);
        h.read(2, "a", "1", 20, 30);
        h.read(2, "b", "1", 20, 30); // "1" was written to a, not b
        LinearizabilityResult result = check.check(h.history());
        assertEquals(Map.of("a", Verdict.LINEARIZABLE, "b", Verdict.NOT_LINEARIZABLE),
                Map.of(result.keys().get(0).key(), result.keys().get(0).verdict(),
                        result.keys().get(1).key(), result.keys().get(1).verdict()));
    }
}

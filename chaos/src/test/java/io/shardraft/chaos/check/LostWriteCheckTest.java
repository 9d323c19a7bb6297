package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.Outcome;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LostWriteCheckTest {

    @Test
    void acknowledgedWriteMissingFromFinalStateIsLost() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        Operation b = h.write(1, "k", "b", 20, 30);
        h.read(2, "k", "b", 40, 50);

        // After healing the key holds the older value: b is lost.
        LostWriteResult result = LostWriteCheck.check(h.history(), Map.of("k", "a"));

        assertFalse(result.passed());
        assertEquals(2, result.acknowledged());
        assertEquals(List.of(new LostWrite(b, "a")), result.lost());
    }

    @Test
    void acknowledgedWriteOnAnAbsentKeyIsLost() {
        HistoryBuilder h = new HistoryBuilder();
        Operation a = h.write(1, "k", "a", 0, 10);

        LostWriteResult result = LostWriteCheck.check(h.history(), Map.of());

        assertEquals(1, result.lost().size());
        assertEquals(a, result.lost().get(0).write());
        assertNull(result.lost().get(0).finalValue());
    }

    @Test
    void writeSupersededByConcurrentLaterWriteIsNotLost() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 20);
        h.write(2, "k", "b", 10, 30); // overlaps a: may be ordered after it

        LostWriteResult result = LostWriteCheck.check(h.history(), Map.of("k", "b"));

        assertTrue(result.passed(), result.toString());
        assertEquals(2, result.acknowledged());
    }

    @Test
    void writeSupersededByAnUnknownWriteInvokedEarlierIsNotLost() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "u", 0, 5, Outcome.UNKNOWN); // timed out; may apply at any time afterwards
        h.write(2, "k", "a", 10, 20);

        assertTrue(LostWriteCheck.check(h.history(), Map.of("k", "u")).passed());
    }

    @Test
    void failedAndConflictingWritesCannotSupersede() {
        HistoryBuilder h = new HistoryBuilder();
        Operation a = h.write(1, "k", "a", 0, 10);
        h.write(2, "k", "f", 5, 15, Outcome.FAIL);
        h.cas(3, "k", "zzz", "c", 5, 15, Outcome.CONFLICT);

        Map<String, String> finalValues = new HashMap<>();
        finalValues.put("k", null);
        LostWriteResult result = LostWriteCheck.check(h.history(), finalValues);

        assertEquals(List.of(new LostWrite(a, null)), result.lost());
    }

    @Test
    void writeCompletedBeforeTheLostOneWasInvokedDoesNotExcuseIt() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.write(1, "k", "b", 20, 30);
        Operation c = h.cas(2, "k", "b", "c", 40, 50, Outcome.OK);

        // Both a and b completed before c was invoked, so neither can explain c's absence.
        LostWriteResult result = LostWriteCheck.check(h.history(), Map.of("k", "b"));

        assertEquals(List.of(new LostWrite(c, "b")), result.lost());
        assertEquals(3, result.acknowledged());
    }
}

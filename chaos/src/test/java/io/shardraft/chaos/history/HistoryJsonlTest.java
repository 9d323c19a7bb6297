package io.shardraft.chaos.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryJsonlTest {

    private static History sample() {
        return new History(List.of(
                Operation.write(0, 1, "k", "a", 100, 200, Outcome.OK, 7L),
                Operation.read(1, 2, "k", null, 150, 250, Outcome.OK),          // absent
                Operation.read(2, 2, "k", "a", 300, 400, Outcome.OK),
                Operation.cas(3, 3, "k", null, "b", 310, 320, Outcome.CONFLICT, null),
                Operation.cas(4, 3, "k", "a", "c", 330, 340, Outcome.OK, 9L),
                Operation.write(5, 1, "k2", "x\n\"quoted\" ünïcode", 500, 600, Outcome.UNKNOWN, null),
                Operation.read(6, 4, "k2", null, 510, 520, Outcome.FAIL)));
    }

    @Test
    void roundTripsThroughText() throws IOException {
        History history = sample();
        String text = history.toJsonl();

        assertEquals(history.size(), text.lines().count());
        assertFalse(text.lines().findFirst().orElseThrow().contains("observed")); // absent fields are omitted
        History back = History.readJsonl(new StringReader(text + "\n\n"));
        assertEquals(history, back);
        assertTrue(back.operations().get(1).observedValue().isEmpty());
        assertEquals("a", back.operations().get(2).observedValue().orElseThrow());
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("history.jsonl");
        sample().writeJsonl(file);
        assertEquals(sample(), History.readJsonl(file));
    }

    @Test
    void keepsOperationsInInvokeOrder() {
        History history = new History(List.of(
                Operation.read(1, 1, "k", null, 50, 60, Outcome.OK),
                Operation.write(0, 2, "k", "a", 10, 100, Outcome.OK, 1L)));
        assertEquals(List.of(0L, 1L), history.operations().stream().map(Operation::id).toList());
        assertEquals(10, history.originNanos());
    }

    @Test
    void aBrokenLineNamesItsNumber() {
        String text = sample().toJsonl() + "{\"id\":9,\"key\":\"k\",\"kind\":\"READ\",\"outcome\":\"OK\","
                + "\"value\":\"not for a read\",\"invokeNanos\":1,\"completeNanos\":2}\n";
        IOException e = assertThrows(IOException.class, () -> History.readJsonl(new StringReader(text)));
        assertTrue(e.getMessage().startsWith("history line 8"), e.getMessage());
    }

    @Test
    void operationsRejectInconsistentFields() {
        assertThrows(IllegalArgumentException.class,
                () -> Operation.write(0, 1, "k", "a", 10, 5, Outcome.OK, null));
        assertThrows(IllegalArgumentException.class,
                () -> Operation.write(0, 1, "k", "a", 1, 5, Outcome.CONFLICT, null));
        assertThrows(IllegalArgumentException.class,
                () -> Operation.read(0, 1, "k", "a", 1, 5, Outcome.UNKNOWN));
        assertThrows(IllegalArgumentException.class,
                () -> Operation.write(0, 1, "k", "a", 1, 5, Outcome.FAIL, 3L));
    }
}

package io.shardraft.chaos.history;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryRecorderTest {

    @Test
    void recordsInvokeAndCompletionTimesAndResults() {
        AtomicLong clock = new AtomicLong();
        HistoryRecorder recorder = new HistoryRecorder(10, clock::incrementAndGet);

        Invocation w = recorder.invokeWrite(1, "k", "a");          // t=1
        Invocation r = recorder.invokeRead(2, "k");                // t=2
        Operation written = recorder.completeWrite(w, 42);         // t=3
        Invocation c = recorder.invokeCas(3, "k", "a", "b");       // t=4
        Operation read = recorder.completeRead(r, Optional.of("a")); // t=5
        Operation cas = recorder.complete(c, Outcome.CONFLICT);    // t=6

        assertEquals(Operation.write(0, 1, "k", "a", 1, 3, Outcome.OK, 42L), written);
        assertEquals(Operation.read(1, 2, "k", "a", 2, 5, Outcome.OK), read);
        assertEquals(Operation.cas(2, 3, "k", "a", "b", 4, 6, Outcome.CONFLICT, null), cas);
        assertEquals(List.of(written, read, cas), recorder.history().operations());
    }

    @Test
    void pendingOperationsBecomeUnknownInTheSnapshot() {
        AtomicLong clock = new AtomicLong(100);
        HistoryRecorder recorder = new HistoryRecorder(10, clock::get);
        recorder.invokeWrite(1, "k", "a");
        clock.set(500);

        History history = recorder.history();

        assertEquals(List.of(Operation.write(0, 1, "k", "a", 100, 500, Outcome.UNKNOWN, null)),
                history.operations());
    }

    @Test
    void completingTwiceOrWithTheWrongKindIsRejected() {
        HistoryRecorder recorder = new HistoryRecorder(10);
        Invocation r = recorder.invokeRead(1, "k");
        assertThrows(IllegalArgumentException.class, () -> recorder.completeWrite(r, 1));
        assertThrows(IllegalArgumentException.class, () -> recorder.complete(r, Outcome.OK));
        recorder.completeRead(r, Optional.empty());
        assertThrows(IllegalStateException.class, () -> recorder.complete(r, Outcome.FAIL));

        Invocation w = recorder.invokeWrite(1, "k", "a");
        assertThrows(IllegalArgumentException.class, () -> recorder.complete(w, Outcome.CONFLICT));
        recorder.complete(w, Outcome.UNKNOWN); // still pending after the rejected completion
        assertEquals(Outcome.UNKNOWN, recorder.history().operations().get(1).outcome());
    }

    @Test
    void capacityIsBounded() {
        HistoryRecorder recorder = new HistoryRecorder(2);
        recorder.invokeRead(1, "k");
        assertFalse(recorder.isFull());
        recorder.invokeRead(1, "k");
        assertTrue(recorder.isFull());
        assertThrows(IllegalStateException.class, () -> recorder.invokeRead(1, "k"));
        assertEquals(2, recorder.history().size());
    }

    @Test
    void manyThreadsRecordEveryOperationOnce() throws InterruptedException {
        int threads = 8;
        int perThread = 500;
        HistoryRecorder recorder = new HistoryRecorder(threads * perThread);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int process = t;
            Thread worker = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    Invocation w = recorder.invokeWrite(process, "k" + (i % 3), "p" + process + "-" + i);
                    recorder.completeWrite(w, i);
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        History history = recorder.history();
        assertEquals(threads * perThread, history.size());
        Set<Long> ids = new HashSet<>();
        for (Operation op : history.operations()) {
            assertTrue(ids.add(op.id()));
            assertEquals(Outcome.OK, op.outcome());
        }
        assertTrue(recorder.isFull());
    }
}

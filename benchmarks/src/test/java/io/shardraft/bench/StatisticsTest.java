package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The load generator's statistics on a synthetic source: known latencies give known percentiles. */
class StatisticsTest {

    static final long MS = 1_000_000L;

    /** HdrHistogram with 3 significant digits: a value is reported within 0.1% of what was recorded. */
    static void assertMillis(double expected, long micros) {
        double ms = micros / 1000.0;
        assertEquals(expected, ms, expected * 0.001 + 0.001, "got " + ms + " ms");
    }

    @Test
    void knownLatenciesGiveKnownPercentiles() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 1000; i++) {
            r.success(1 * MS, 1);
        }
        for (int i = 0; i < 10; i++) {
            r.success(100 * MS, 1);
        }
        r.error("UNAVAILABLE");
        r.error("UNAVAILABLE");
        r.error("ITEM_FAILED");
        RunStats s = r.stats("put", 4, Duration.ofSeconds(2));

        assertEquals(1010, s.requests());
        assertEquals(1010, s.items());
        assertMillis(1, s.p50Micros());
        assertMillis(1, s.p99Micros());      // rank 1000 of 1010 is still 1 ms
        assertMillis(100, s.p999Micros());   // rank 1009 of 1010
        assertMillis(100, s.maxMicros());
        assertEquals(505.0, s.opsPerSec(), 1e-9);
        assertEquals(Map.of("UNAVAILABLE", 2L, "ITEM_FAILED", 1L), s.errors());
        assertEquals(3, s.errorCount());
        assertEquals("3 (ITEM_FAILED=1, UNAVAILABLE=2)", s.errorSummary());
    }

    @Test
    void batchesCountObjectsForThroughputAndRequestsForLatency() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 50; i++) {
            r.success(20 * MS, 100);
        }
        RunStats s = r.stats("import", 1, Duration.ofSeconds(1));
        assertEquals(50, s.requests());
        assertEquals(5000, s.items());
        assertEquals(5000.0, s.opsPerSec(), 1e-9);
        assertEquals(50.0, s.requestsPerSec(), 1e-9);
        assertMillis(20, s.p50Micros());
    }

    @Test
    void latenciesAreClampedToTheRangeAndAnEmptyRunHasZeroes() {
        LatencyRecorder r = new LatencyRecorder();
        r.success(120_000 * MS, 1);  // 120 s: recorded as the 60 s ceiling
        r.success(10, 1);            // 10 ns: recorded as 1 µs
        RunStats s = r.stats("put", 1, Duration.ofSeconds(1));
        assertMillis(60_000, s.maxMicros());
        assertEquals(1, new LatencyRecorder().stats("put", 1, Duration.ZERO).clients());
        RunStats empty = new LatencyRecorder().stats("put", 1, Duration.ZERO);
        assertEquals(0, empty.p50Micros());
        assertEquals(0.0, empty.opsPerSec());
    }

    @Test
    void recordersMerge() {
        LatencyRecorder a = new LatencyRecorder();
        LatencyRecorder b = new LatencyRecorder();
        a.success(1 * MS, 1);
        b.success(3 * MS, 1);
        b.error("DEADLINE_EXCEEDED");
        a.add(b);
        RunStats s = a.stats("get-strong", 2, Duration.ofSeconds(1));
        assertEquals(2, s.requests());
        assertMillis(3, s.maxMicros());
        assertEquals(Map.of("DEADLINE_EXCEEDED", 1L), s.errors());
    }

    /** The closed loop over a fake operation and a fake clock: each op advances the clock by its latency. */
    @Test
    void closedLoopOverASyntheticOperation() throws Exception {
        AtomicLong clock = new AtomicLong();
        AtomicLong n = new AtomicLong();
        ClosedLoop.Result result = ClosedLoop.run(1, 1013, Duration.ofHours(1), client -> () -> {
            long i = n.getAndIncrement();
            if (i >= 1010) {
                throw new ClosedLoop.OpFailure("ITEM_CONFLICT");
            }
            clock.addAndGet(i % 101 == 100 ? 100 * MS : 1 * MS);
            return 1;
        }, clock::get, new AtomicLong());
        RunStats s = result.recorder().stats("put", 1, result.elapsed());
        assertEquals(Duration.ofSeconds(2), result.elapsed());  // 1000 × 1 ms + 10 × 100 ms
        assertEquals(1010, s.requests());
        assertEquals(Map.of("ITEM_CONFLICT", 3L), s.errors());
        assertMillis(1, s.p50Micros());
        assertMillis(100, s.p999Micros());
        assertEquals(505.0, s.opsPerSec(), 1e-9);
    }

    @Test
    void closedLoopStopsAtTheDurationAndCountsStatusErrors() throws Exception {
        AtomicLong clock = new AtomicLong();
        AtomicLong done = new AtomicLong();
        ClosedLoop.Result result = ClosedLoop.run(1, BenchConfig.MAX_REQUESTS, Duration.ofMillis(50), client -> () -> {
            clock.addAndGet(10 * MS);
            throw Status.UNAVAILABLE.asRuntimeException();
        }, clock::get, done);
        assertEquals(5, done.get());
        assertEquals(Map.of("UNAVAILABLE", 5L), result.recorder().stats("put", 1, result.elapsed()).errors());
    }

    @Test
    void closedLoopWithManyClientsStartsExactlyTheRequestCount() throws Exception {
        AtomicLong done = new AtomicLong();
        ClosedLoop.Result result = ClosedLoop.run(8, 1000, Duration.ofMinutes(1), client -> () -> 1, System::nanoTime, done);
        assertEquals(1000, result.recorder().requests());
        assertEquals(1000, done.get());
        assertTrue(result.elapsed().toNanos() > 0);
    }
}

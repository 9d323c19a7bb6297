package io.shardraft.bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The latencies and errors of one client (or, merged, of a whole run): an HdrHistogram in microseconds from
 * 1 µs to {@value #MAX_MICROS} µs (60 s) with 3 significant digits, the number of successful requests and of
 * the items they carried (objects of a batch), and errors counted by status code. A latency above 60 s is
 * recorded as 60 s. Thread-safe; each client owns one, so there is no contention while running.
 */
final class LatencyRecorder {

    static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(60);
    static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram histogram = new Histogram(1, MAX_MICROS, SIGNIFICANT_DIGITS);
    private final Map<String, Long> errors = new TreeMap<>();
    private long requests;
    private long items;

    /** A successful request of {@code itemCount} items that took {@code latencyNanos}. */
    synchronized void success(long latencyNanos, int itemCount) {
        long micros = Math.max(1, Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
        histogram.recordValue(micros);
        requests++;
        items += itemCount;
    }

    /** A failed request: {@code code} is the gRPC status code or the item status that made it fail. */
    synchronized void error(String code) {
        errors.merge(code, 1L, Long::sum);
    }

    /** Adds everything {@code other} recorded to this recorder. */
    synchronized void add(LatencyRecorder other) {
        synchronized (other) {
            histogram.add(other.histogram);
            other.errors.forEach((code, n) -> errors.merge(code, n, Long::sum));
            requests += other.requests;
            items += other.items;
        }
    }

    synchronized long requests() {
        return requests;
    }

    synchronized long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The statistics of what was recorded over {@code elapsed} (the measured phase's wall time). */
    synchronized RunStats stats(String workload, int clients, Duration elapsed) {
        boolean empty = histogram.getTotalCount() == 0;
        return new RunStats(workload, clients, elapsed.toNanos(), requests, items,
                empty ? 0 : histogram.getValueAtPercentile(50.0),
                empty ? 0 : histogram.getValueAtPercentile(99.0),
                empty ? 0 : histogram.getValueAtPercentile(99.9),
                empty ? 0 : histogram.getMaxValue(),
                empty ? 0 : histogram.getMean(),
                Map.copyOf(errors));
    }
}

package io.shardraft.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The result of one measured run of one workload at one concurrency. Latencies are per request in microseconds
 * (HdrHistogram values: exact to 3 significant digits). Throughput counts items, so for {@code import} it is
 * objects per second (a batch of B objects is B operations) while the latencies are those of whole batches;
 * for every other workload items = requests.
 *
 * @param elapsedNanos wall time of the measured phase: first request sent to last answer received
 * @param requests     successful requests
 * @param items        objects those requests carried
 * @param errors       failed requests by status code (gRPC code, or item status such as ITEM_FAILED)
 */
record RunStats(String workload, int clients, long elapsedNanos, long requests, long items,
        long p50Micros, long p99Micros, long p999Micros, long maxMicros, double meanMicros,
        Map<String, Long> errors) {

    RunStats {
        errors = Map.copyOf(errors);
    }

    /** Items per second over the measured phase. */
    double opsPerSec() {
        return elapsedNanos <= 0 ? 0 : items * 1e9 / elapsedNanos;
    }

    /** Requests per second over the measured phase. */
    double requestsPerSec() {
        return elapsedNanos <= 0 ? 0 : requests * 1e9 / elapsedNanos;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    static double millis(long micros) {
        return micros / 1000.0;
    }

    /** {@code 3 (UNAVAILABLE=2, DEADLINE_EXCEEDED=1)}, or {@code 0}. */
    String errorSummary() {
        long n = errorCount();
        if (n == 0) {
            return "0";
        }
        return n + " (" + new TreeMap<>(errors).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }
}

package io.shardraft.bench;

import com.google.common.base.Preconditions;
import java.time.Duration;
import java.util.List;

/**
 * One {@code bench run}: a workload at one or more client counts. Each measured phase ends after
 * {@code duration} or {@code maxRequests} requests, whichever comes first; both are always bounded.
 *
 * @param index    the index to create (and drop afterwards unless {@code keep})
 * @param keys     objects pre-loaded for the workloads that read or patch existing objects
 * @param timeout  deadline of every call
 * @param coalesce whether shardraft's concurrent puts to a node share calls (its client's {@code PutCoalescer});
 *                 off, each put is its own Put call
 */
record BenchConfig(Workload workload, List<Integer> clients, Duration duration, long maxRequests, Duration warmup,
        int batch, Payload payload, Target target, int shards, int replicas, int keys, String index, boolean keep,
        Duration timeout, boolean coalesce) {

    static final Duration MAX_DURATION = Duration.ofHours(1);
    static final long MAX_REQUESTS = 100_000_000L;
    static final int MAX_CLIENTS = 1024;
    static final int MAX_BATCH = 10_000;
    static final int MAX_KEYS = 10_000_000;
    /** Objects (keys) per batch when pre-loading. */
    static final int PRELOAD_BATCH = 200;

    /** Where requests go. */
    enum Target {
        /** Each request to the node that leads the object's shard (searches round-robin: they fan out anyway). */
        LEADER,
        /** Round-robin over all nodes: writes to followers are forwarded to the leader. */
        SPREAD;

        String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    BenchConfig {
        Preconditions.checkNotNull(workload, "workload");
        Preconditions.checkArgument(clients != null && !clients.isEmpty(), "at least one client count");
        clients = List.copyOf(clients);
        for (int c : clients) {
            Preconditions.checkArgument(c >= 1 && c <= MAX_CLIENTS, "clients must be in 1..%s, got %s", MAX_CLIENTS, c);
        }
        Preconditions.checkArgument(!duration.isNegative() && !duration.isZero() && duration.compareTo(MAX_DURATION) <= 0,
                "duration must be in (0, %s s], got %s", MAX_DURATION.toSeconds(), duration);
        Preconditions.checkArgument(maxRequests >= 1 && maxRequests <= MAX_REQUESTS,
                "ops must be in 1..%s, got %s", MAX_REQUESTS, maxRequests);
        Preconditions.checkArgument(!warmup.isNegative() && warmup.compareTo(Duration.ofMinutes(10)) <= 0,
                "warm-up must be in 0..600 s, got %s", warmup);
        Preconditions.checkArgument(batch >= 1 && batch <= MAX_BATCH, "batch must be in 1..%s, got %s", MAX_BATCH, batch);
        Preconditions.checkNotNull(payload, "payload");
        Preconditions.checkNotNull(target, "target");
        Preconditions.checkArgument(shards >= 1 && shards <= 4096, "shards must be in 1..4096, got %s", shards);
        Preconditions.checkArgument(replicas >= 1, "replicas must be >= 1, got %s", replicas);
        Preconditions.checkArgument(keys >= 1 && keys <= MAX_KEYS, "keys must be in 1..%s, got %s", MAX_KEYS, keys);
        Preconditions.checkArgument(index != null && !index.isBlank(), "index name");
        Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout must be > 0");
    }
}

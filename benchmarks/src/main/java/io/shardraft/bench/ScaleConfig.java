package io.shardraft.bench;

import com.google.common.base.Preconditions;
import java.time.Duration;

/**
 * What {@code shardraft bench scale} does.
 *
 * @param indexes     indexes to create
 * @param shards      shards per index
 * @param replicas    replicas per shard
 * @param parallel    index creations in flight at once
 * @param idle        how long the idle CPU and loopback traffic are measured
 * @param settle      how long after the first idle window the idle CPU is measured again (steady state), 0: not
 * @param writes      length of each write phase (single index, then spread over every index)
 * @param clients     concurrent writers in each write phase
 * @param prefix      name prefix of the created indexes
 * @param keep        leave the indexes in place afterwards
 * @param timeout     deadline of each call
 */
record ScaleConfig(int indexes, int shards, int replicas, int parallel, Duration idle, Duration settle, Duration writes,
        int clients,
        String prefix, boolean keep, Duration timeout) {

    static final int MAX_INDEXES = 10_000;

    ScaleConfig {
        Preconditions.checkArgument(indexes >= 1 && indexes <= MAX_INDEXES, "--indexes must be in 1..%s, got %s",
                MAX_INDEXES, indexes);
        Preconditions.checkArgument(shards >= 1 && shards <= 64, "--shards must be in 1..64, got %s", shards);
        Preconditions.checkArgument(replicas >= 1 && replicas <= 9, "--replicas must be in 1..9, got %s", replicas);
        Preconditions.checkArgument(parallel >= 1 && parallel <= 64, "--parallel must be in 1..64, got %s", parallel);
        Preconditions.checkArgument(!idle.isNegative() && idle.toSeconds() <= 3600, "--idle must be in 0..3600 s");
        Preconditions.checkArgument(!settle.isNegative() && settle.toSeconds() <= 3600, "--settle must be in 0..3600 s");
        Preconditions.checkArgument(!writes.isNegative() && writes.toSeconds() <= 3600, "--write-seconds must be in 0..3600 s");
        Preconditions.checkArgument(clients >= 1 && clients <= 1024, "--clients must be in 1..1024, got %s", clients);
        Preconditions.checkArgument(prefix != null && !prefix.isEmpty(), "prefix must not be empty");
        Preconditions.checkArgument(timeout.toMillis() > 0, "timeout must be positive");
    }

    String indexName(int i) {
        return prefix + "-" + i;
    }
}

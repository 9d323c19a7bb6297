package io.shardraft.node.store;

import com.google.common.base.Preconditions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link MapDbShard} opens its MapDB file and when it commits. Transactions (write-ahead log, synced on
 * every commit) are always on: the applied index is durable together with the data it covers.
 *
 * @param volume         how MapDB accesses the file
 * @param commitInterval how long applied batches may stay uncommitted: zero commits (two fsyncs) after every
 *                       apply batch; a positive interval commits the first batch applied after the interval has
 *                       passed since the last commit, and always on snapshot save and close. A crash loses only
 *                       what the Raft log still holds (the core replays the log after the shard's durable applied
 *                       index), so a positive interval is only for replicated shards; an unreplicated shard's
 *                       apply is its only copy and must use zero.
 */
public record MapDbShardConfig(Volume volume, Duration commitInterval) {

    /**
     * File-channel access, committing every batch. Measured on the 2-core dev machine (noisy, shared): single-put
     * applies 390-800/s with FILE_CHANNEL vs 90-370/s with MMAP (MapDB forces every mapped chunk on each commit),
     * brute-force search over 10k 128-d objects 16-18 ms vs 9-24 ms. Applies are the serial path of a Raft group,
     * and a node may hold thousands of shard files, which mmap would turn into address space and SIGBUS risk on a
     * full disk; so FILE_CHANNEL is the default.
     */
    public static final MapDbShardConfig DEFAULT = new MapDbShardConfig(Volume.FILE_CHANNEL, Duration.ZERO);

    /**
     * The node's default for replicated shards: commit at most every 100 ms (etcd's backend batch interval).
     * A MapDB commit forces the write-ahead log and the main file, 10-70 ms each on the dev machine's disk
     * (JFR {@code jdk.FileForce}); per apply batch that put the host's fsyncs, not Raft's, on every write's
     * critical path.
     */
    public static final Duration REPLICATED_COMMIT_INTERVAL = Duration.ofMillis(100);

    public MapDbShardConfig {
        Objects.requireNonNull(volume, "volume must not be null");
        Objects.requireNonNull(commitInterval, "commitInterval must not be null");
        Preconditions.checkArgument(!commitInterval.isNegative(), "commitInterval must be >= 0, got %s",
                commitInterval);
    }

    public MapDbShardConfig(Volume volume) {
        this(volume, Duration.ZERO);
    }

    /** The node's store configuration: {@link #DEFAULT}'s volume with {@link #REPLICATED_COMMIT_INTERVAL}. */
    public static MapDbShardConfig replicatedDefault() {
        return DEFAULT.withCommitInterval(REPLICATED_COMMIT_INTERVAL);
    }

    public MapDbShardConfig withCommitInterval(Duration interval) {
        return new MapDbShardConfig(volume, interval);
    }

    /** MapDB's file access. */
    public enum Volume {
        /** {@code fileMmapEnableIfSupported} + {@code cleanerHackEnable} (unmaps on close): faster scans. */
        MMAP,
        /** {@code fileChannelEnable}: cheaper commits, no address space per file. */
        FILE_CHANNEL
    }
}

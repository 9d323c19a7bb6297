package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.storage.SnapshotThrottle;
import com.alipay.sofa.jraft.storage.snapshot.ThroughputSnapshotThrottle;
import io.shardraft.cluster.log.SharedLogStore;
import java.util.Objects;
import java.util.Optional;

/**
 * What every group on a node shares (the {@link Registry} owns it and hands it down through
 * {@link IndexRaft} to each {@link ShardStore}): the node's Raft log store and its one install-snapshot
 * throttle, so N groups catching up at once share one bandwidth budget instead of using N budgets, and what stands in
 * for threads JRaft would run per group (the follower pipelines' pool, the ReadIndex sweep).
 *
 * <p>JRaft 1.4.1's {@link ThroughputSnapshotThrottle} keeps its whole state (bytes in the current cycle,
 * the cycle's start) behind one lock and its other fields are final, so one instance is safe to share
 * between the copy sessions (follower side) and snapshot file readers (leader side) of every group.
 *
 * @param sharedLog        the node's shared Raft log store; null: each group keeps its own RocksDB log
 * @param snapshotThrottle the node's install-snapshot throttle; null: unlimited
 * @param voteGuard        the node's replicas that withhold their votes (restored from peers, not caught up);
 *                         enforced only once the node's RPC server consults it ({@link GuardedVoteProcessor})
 * @param pacer            sets each replica's election timeout from the node's liveness view (quiet groups);
 *                         {@link ElectionPacer#OFF}: every replica keeps JRaft's own timeouts and heartbeat
 * @param pipelines        the follower-side AppendEntries contexts of the node's RPC server: run on one pool,
 *                         released as each replica stops (attached once the server registers its processors)
 * @param readSweeper      checks every replica's waiting STRONG reads against its applied index from one thread
 */
public record NodeResources(SharedLogStore sharedLog, SnapshotThrottle snapshotThrottle, VoteGuard voteGuard,
        ElectionPacer pacer, AppendEntriesPipelines pipelines, ReadIndexSweeper readSweeper) {
    /**
     * ThroughputSnapshotThrottle's budget cycles per second: it grants rate / cycles bytes per cycle and
     * then nothing until the next, and a copy session that got nothing retries only after JRaft's fixed
     * 1 s retry interval. With 10 cycles a second an install got about a tenth of the configured rate;
     * with one cycle it gets the rate (in bursts of up to a second's budget).
     */
    static final long THROTTLE_CYCLES_PER_S = 1;

    /** A replica's resources when it has no node around it: its own throttle, no pacing. */
    public static NodeResources of(RaftSettings settings, SharedLogStore sharedLog) {
        return of(settings, sharedLog, ElectionPacer.OFF);
    }

    /** The node's resources for {@code settings}: one throttle of {@code snapshotThrottleBytesPerSecond} (none if 0). */
    public static NodeResources of(RaftSettings settings, SharedLogStore sharedLog, ElectionPacer pacer) {
        long rate = settings.snapshotThrottleBytesPerSecond();
        return new NodeResources(sharedLog, rate > 0 ? new ThroughputSnapshotThrottle(rate, THROTTLE_CYCLES_PER_S) : null,
                new VoteGuard(), pacer, new AppendEntriesPipelines(), new ReadIndexSweeper());
    }

    public NodeResources {
        Objects.requireNonNull(voteGuard, "voteGuard");
        Objects.requireNonNull(pacer, "pacer");
        Objects.requireNonNull(pipelines, "pipelines");
        Objects.requireNonNull(readSweeper, "readSweeper");
    }

    public Optional<SharedLogStore> sharedLogStore() {
        return Optional.ofNullable(sharedLog);
    }
}

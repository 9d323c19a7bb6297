package io.shardraft.node.store;

import com.google.common.base.Preconditions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Commits, off the Raft apply path, the {@link MapDbShard}s of a node that defer their commits
 * ({@link MapDbShardConfig#commitInterval()} &gt; 0). One thread per node sweeps every quarter interval and commits
 * a shard whose oldest uncommitted apply is half an interval old, if no apply holds it at that moment; the apply
 * path itself commits only when a shard has been dirty for a whole interval (the sweeper fell behind). So at low
 * rates a write's latency no longer includes the two fsyncs of a MapDB commit, and under load the commits stay
 * one per interval per shard.
 */
public final class ShardCommitter implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ShardCommitter.class);

    private final Set<MapDbShard> shards = ConcurrentHashMap.newKeySet();
    private final long dirtyNanos;
    private final ScheduledExecutorService sweeper;

    public ShardCommitter(Duration commitInterval) {
        Preconditions.checkArgument(commitInterval.toMillis() >= 1, "commit interval must be >= 1 ms, got %s",
                commitInterval);
        this.dirtyNanos = commitInterval.toNanos() / 2;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mapdb-committer");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, commitInterval.toMillis() / 4);
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    void add(MapDbShard shard) {
        shards.add(shard);
    }

    void remove(MapDbShard shard) {
        shards.remove(shard);
    }

    /** How many shards are registered (open with a deferred commit). */
    public int size() {
        return shards.size();
    }

    private void sweep() {
        for (MapDbShard shard : shards) {
            try {
                shard.commitIfDirtyFor(dirtyNanos);
            } catch (RuntimeException e) {
                LOG.error("{}: background commit failed; the shard refuses further work until reopened", shard, e);
            }
        }
    }

    /** Stops the sweeper (open shards still commit on close). */
    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            if (!sweeper.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("mapdb-committer did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

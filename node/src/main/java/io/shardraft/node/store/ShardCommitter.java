package io.shardraft.node.store;

import com.google.common.base.Preconditions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Commits, off the Raft apply path, the {@link MapDbShard}s of a node that defer their commits
 * ({@link MapDbShardConfig#commitInterval()} &gt; 0). A shard that turns dirty (its first uncommitted apply) gets one
 * task on the node's single committer thread, due half an interval later; it commits then if no apply holds the
 * shard at that moment, and is re-queued otherwise. The apply path itself commits only when a shard has been dirty
 * for a whole interval (the committer fell behind). So at low rates a write's latency no longer includes the two
 * fsyncs of a MapDB commit, under load the commits stay one per interval per shard, and an idle node's committer
 * never wakes up.
 */
public final class ShardCommitter implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ShardCommitter.class);

    private final Set<MapDbShard> shards = ConcurrentHashMap.newKeySet();
    /** Shards with a commit task queued (at most one each). */
    private final Set<MapDbShard> queued = ConcurrentHashMap.newKeySet();
    private final long dirtyNanos;
    private final ScheduledExecutorService executor;

    public ShardCommitter(Duration commitInterval) {
        Preconditions.checkArgument(commitInterval.toMillis() >= 1, "commit interval must be >= 1 ms, got %s",
                commitInterval);
        this.dirtyNanos = commitInterval.toNanos() / 2;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mapdb-committer");
            t.setDaemon(true);
            return t;
        });
    }

    void add(MapDbShard shard) {
        shards.add(shard);
    }

    void remove(MapDbShard shard) {
        shards.remove(shard);
        queued.remove(shard);
    }

    /** How many shards are registered (open with a deferred commit). */
    public int size() {
        return shards.size();
    }

    /** {@code shard} has its first uncommitted apply: commit it half an interval from now. */
    void dirtied(MapDbShard shard) {
        if (queued.add(shard)) {
            queue(shard, dirtyNanos);
        }
    }

    private void queue(MapDbShard shard, long delayNanos) {
        try {
            executor.schedule(() -> commit(shard), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            queued.remove(shard); // closing: the shard commits on its own close
        }
    }

    private void commit(MapDbShard shard) {
        long again;
        try {
            again = shards.contains(shard) ? shard.commitIfDirtyFor(dirtyNanos) : -1;
        } catch (RuntimeException e) {
            LOG.error("{}: background commit failed; the shard refuses further work until reopened", shard, e);
            again = -1;
        }
        if (again >= 0) {
            queue(shard, again);
            return;
        }
        queued.remove(shard);
        // dirtied again between the commit and the line above: its dirtied() call found the task still queued
        if (shards.contains(shard) && shard.hasUncommitted()) {
            dirtied(shard);
        }
    }

    /** Stops the committer thread (open shards still commit on close). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("mapdb-committer did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The follower side of JRaft's pipelined replication on a node: its RPC server's AppendEntries processor keeps,
 * per group and leader, a context that answers that leader's appends in order on an executor of its own.
 *
 * <p>Two things JRaft 1.4.1 does there cost a thread per group replica for good:
 * <ul>
 *   <li><b>A thread per context.</b> Each context's executor is a single-thread executor with its own thread, which
 *       also wakes every second while idle: at 900 groups per node 744 such threads, 11 to 17 % of a core while the
 *       node was idle. {@link #attach} puts a {@link PooledAppendExecutor} in each new context instead, before its
 *       first task: the same order, one task at a time per (group, leader), on one pool per node that grows with
 *       the work in flight (a task that blocks, e.g. on a full log queue, holds only its own pipeline) and lets idle
 *       threads go after a minute.</li>
 *   <li><b>Contexts dropped only when the connection they came on closes.</b> With one connection per peer for
 *       every group ({@link SharedRaftClient}) that connection outlives the groups, so a group that stops here would
 *       keep its context for good (seen: 431 threads left behind by 120 dropped indexes), and a group started again
 *       on the node would inherit the old context's response sequence, which waits for answers to appends the
 *       stopped replica never gave and closes the shared connection once too many pile up. {@link #release} drops
 *       a stopped group's contexts.</li>
 * </ul>
 *
 * <p>The processor has no public way to do either: its context table and executor fields are private and its
 * {@code removePeerRequestContext} is package-private, so they are reached reflectively (and checked when the class
 * loads: a JRaft upgrade that changes them fails every node start, not silently).
 */
final class AppendEntriesPipelines {
    /** How long an idle pool thread stays. */
    static final long POOL_IDLE_S = 60;
    private static final Field CONTEXTS;
    private static final Field EXECUTOR;
    private static final Method REMOVE;

    static {
        try {
            CONTEXTS = AppendEntriesRequestProcessor.class.getDeclaredField("peerRequestContexts");
            CONTEXTS.setAccessible(true);
            Class<?> pair = Class.forName(AppendEntriesRequestProcessor.class.getName() + "$PeerPair");
            EXECUTOR = Class.forName(AppendEntriesRequestProcessor.class.getName() + "$PeerRequestContext")
                    .getDeclaredField("executor");
            EXECUTOR.setAccessible(true);
            REMOVE = AppendEntriesRequestProcessor.class.getDeclaredMethod("removePeerRequestContext", String.class,
                    pair);
            REMOVE.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("JRaft's AppendEntriesRequestProcessor no longer has the per-group "
                    + "contexts this version of shardraft releases (written for jraft-core 1.4.1): " + e);
        }
    }

    private volatile AppendEntriesRequestProcessor processor;
    private ThreadPoolExecutor pool;

    /**
     * Takes over the contexts of the node's RPC server's processor (call before the server starts); before this,
     * {@link #release} has nothing to release.
     */
    synchronized void attach(AppendEntriesRequestProcessor processor) {
        if (this.processor != null) {
            throw new IllegalStateException("the AppendEntries pipelines are already attached to a processor");
        }
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, POOL_IDLE_S, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new ThreadFactoryBuilder().setNameFormat("shardraft-append-%d").setDaemon(true).build());
        try {
            CONTEXTS.set(processor, new GroupTable(pool));
        } catch (IllegalAccessException e) {
            pool.shutdownNow();
            throw new IllegalStateException("cannot take over JRaft's AppendEntries contexts", e);
        }
        this.processor = processor;
    }

    /**
     * Lets the pool's threads end within a second of their last task (call after the RPC server has stopped). The
     * pool is not shut down: a connection the server accepted just before it stopped may not be closed with it (Bolt
     * closes the connections it has registered, and registers a new one asynchronously); such a connection stays
     * served by this processor, for the groups of a node started again in the same process, as JRaft's own
     * per-context threads served it.
     */
    synchronized void close() {
        if (pool != null) {
            pool.setKeepAliveTime(1, TimeUnit.SECONDS);
        }
    }

    /** Drops the contexts of {@code groupId}; call once its replica here is shut down. */
    void release(String groupId) {
        AppendEntriesRequestProcessor p = processor;
        if (p == null) {
            return;
        }
        try {
            Map<String, Map<?, ?>> all = contexts(p);
            Map<?, ?> group = all.get(groupId);
            if (group == null) {
                return;
            }
            for (Object pair : List.copyOf(group.keySet())) {
                REMOVE.invoke(p, groupId, pair);
            }
            all.computeIfPresent(groupId, (id, left) -> left.isEmpty() ? null : left);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot release the AppendEntries contexts of group " + groupId, e);
        }
    }

    /** How many groups have contexts now. */
    int groups() {
        AppendEntriesRequestProcessor p = processor;
        try {
            return p == null ? 0 : contexts(p).size();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * JRaft's table of groups: creating a group's context table gives it a {@link ContextTable} (JRaft adds a group
     * with {@code putIfAbsent} and goes on with the table it gets back when there was one, so it gets this one).
     */
    private static final class GroupTable extends ConcurrentHashMap<String, ConcurrentMap<Object, Object>> {
        private final transient Executor pool;

        GroupTable(Executor pool) {
            this.pool = pool;
        }

        @Override
        public ConcurrentMap<Object, Object> putIfAbsent(String groupId, ConcurrentMap<Object, Object> jraftsOwn) {
            return computeIfAbsent(groupId, id -> new ContextTable(pool, id));
        }
    }

    /** One group's contexts: each new one gets a {@link PooledAppendExecutor} before JRaft publishes it. */
    private static final class ContextTable extends ConcurrentHashMap<Object, Object> {
        private final transient Executor pool;
        private final String groupId;

        ContextTable(Executor pool, String groupId) {
            this.pool = pool;
            this.groupId = groupId;
        }

        @Override
        public Object put(Object pair, Object context) {
            try {
                // the context's own executor has not started its thread yet (it does so on its first task)
                EXECUTOR.set(context, new PooledAppendExecutor(pool, groupId + "/" + pair));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot give the AppendEntries context of " + groupId + " a pooled "
                        + "executor", e);
            }
            return super.put(pair, context);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<?, ?>> contexts(AppendEntriesRequestProcessor p) throws IllegalAccessException {
        return (Map<String, Map<?, ?>>) CONTEXTS.get(p);
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

/**
 * The follower side of JRaft's pipelined replication on a node: its RPC server's AppendEntries processor keeps,
 * per group and leader, a context with a thread of its own that answers that leader's appends in order.
 *
 * <p>JRaft 1.4.1 drops those contexts only when the connection they came on closes. With one connection per peer
 * for every group ({@link SharedRaftClient}) that connection outlives the groups, so a group that stops here would
 * keep its context and thread for good (seen: 431 threads left behind by 120 dropped indexes), and a group started
 * again on the node would inherit the old context's response sequence, which waits for answers to appends the
 * stopped replica never gave and closes the shared connection once too many pile up. {@link #release} drops a
 * stopped group's contexts.
 *
 * <p>The processor has no public way to do that; its own {@code removePeerRequestContext} is package-private, so
 * it is called reflectively (and checked when the class loads: a JRaft upgrade that changes it fails every node
 * start, not silently).
 */
final class AppendEntriesPipelines {
    private static final Field CONTEXTS;
    private static final Method REMOVE;

    static {
        try {
            CONTEXTS = AppendEntriesRequestProcessor.class.getDeclaredField("peerRequestContexts");
            CONTEXTS.setAccessible(true);
            Class<?> pair = Class.forName(AppendEntriesRequestProcessor.class.getName() + "$PeerPair");
            REMOVE = AppendEntriesRequestProcessor.class.getDeclaredMethod("removePeerRequestContext", String.class,
                    pair);
            REMOVE.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("JRaft's AppendEntriesRequestProcessor no longer has the per-group "
                    + "contexts this version of shardraft releases (written for jraft-core 1.4.1): " + e);
        }
    }

    private volatile AppendEntriesRequestProcessor processor;

    /** The processor of the node's RPC server; before this, {@link #release} has nothing to release. */
    void attach(AppendEntriesRequestProcessor processor) {
        this.processor = processor;
    }

    /** Drops the contexts (and stops the threads) of {@code groupId}; call once its replica here is shut down. */
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

    @SuppressWarnings("unchecked")
    private static Map<String, Map<?, ?>> contexts(AppendEntriesRequestProcessor p) throws IllegalAccessException {
        return (Map<String, Map<?, ?>>) CONTEXTS.get(p);
    }
}

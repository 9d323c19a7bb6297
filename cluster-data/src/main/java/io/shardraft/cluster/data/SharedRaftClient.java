package io.shardraft.cluster.data;

import com.alipay.remoting.ConnectionEventType;
import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.rpc.impl.core.ClientServiceConnectionEventProcessor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one Raft RPC transport every JRaft node of the process sends through (DESIGN rule 2: per-group cost).
 *
 * <p>JRaft gives every group its own SOFABolt client: a task scanner thread, a connection-heal thread, a
 * connection-event executor and one TCP connection to each peer, per group, for the same two peers. Here the
 * groups share one client, and so one connection to each peer, which also carries {@link NodeLiveness}'s pings:
 * the liveness view is then about the very connection the groups use. Each group holds a {@link GroupRaftClient}
 * on it; the client starts with the first holder and stops with the last.
 *
 * <p>JRaft tells a group's replicators when a connection to a peer opens (they retry at once instead of at
 * their next heartbeat); one listener on the shared client tells every group that asked.
 */
final class SharedRaftClient {
    private final Supplier<BoltRpcClient> transport;
    private final Set<ReplicatorGroup> connectListeners = ConcurrentHashMap.newKeySet();
    private RoutedRpcClient client;
    private int holders;

    /** @param transport makes a new Bolt client (not started) when the first holder arrives */
    SharedRaftClient(Supplier<BoltRpcClient> transport) {
        this.transport = transport;
    }

    /** A new per-group view; it holds the shared client from its {@code init} to its {@code shutdown}. */
    RpcClient newGroupClient() {
        return new GroupRaftClient(this);
    }

    /** Starts the shared client if nobody holds it (with the first holder's options) and holds it. */
    synchronized RpcClient acquire(RpcOptions opts) {
        if (client == null) {
            BoltRpcClient bolt = transport.get();
            bolt.getRpcClient().addConnectionEventProcessor(ConnectionEventType.CONNECT, (remoteAddr, conn) ->
                    connectListeners.forEach(group ->
                            new ClientServiceConnectionEventProcessor(group).onEvent(remoteAddr, conn)));
            RoutedRpcClient routed = new RoutedRpcClient(bolt);
            routed.init(opts);
            client = routed;
        }
        holders++;
        return client;
    }

    /** Lets go of the shared client; the last holder stops it (its connections and threads). */
    synchronized void release() {
        if (holders == 0) {
            throw new IllegalStateException("the shared Raft RPC client was released more often than acquired");
        }
        if (--holders == 0) {
            RoutedRpcClient last = client;
            client = null;
            last.shutdown();
        }
    }

    synchronized int holders() {
        return holders;
    }

    void listen(ReplicatorGroup group) {
        connectListeners.add(group);
    }

    void unlisten(ReplicatorGroup group) {
        connectListeners.remove(group);
    }
}

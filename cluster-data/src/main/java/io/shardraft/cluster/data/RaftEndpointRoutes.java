package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.util.Endpoint;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Raft-RPC half of {@link PeerRoutes}. JRaft creates its RPC clients through a process-wide SPI
 * factory that knows nothing of the node asking, so the table is per process: a Registry adds its routes
 * at start and removes them at shutdown. (One node per process in production; in-process test clusters
 * share one table.)
 */
final class RaftEndpointRoutes {
    private static final ConcurrentHashMap<Endpoint, Endpoint> ROUTES = new ConcurrentHashMap<>();

    private RaftEndpointRoutes() {
    }

    static void add(Endpoint peer, Endpoint dial) {
        ROUTES.put(peer, dial);
    }

    static void remove(Endpoint peer, Endpoint dial) {
        ROUTES.remove(peer, dial);
    }

    static Endpoint route(Endpoint peer) {
        return peer == null ? null : ROUTES.getOrDefault(peer, peer);
    }
}

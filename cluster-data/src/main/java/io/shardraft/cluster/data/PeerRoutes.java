package io.shardraft.cluster.data;

import com.google.common.collect.ImmutableMap;
import java.util.Map;

/**
 * Where this node dials a peer when that differs from the peer's own address, e.g. a Toxiproxy proxy per
 * directed link for fault injection. A peer keeps its identity (its Raft endpoint in every group's
 * configuration); only the connection this node opens goes elsewhere, for JRaft's RPCs and for the
 * ShardReplicationService alike.
 *
 * @param dial node id → the address to connect to instead of the peer's own
 */
public record PeerRoutes(Map<String, NodeAddress> dial) {
    public static final PeerRoutes NONE = new PeerRoutes(Map.of());

    public PeerRoutes {
        dial = ImmutableMap.copyOf(dial);
    }

    /** The address to connect to for {@code peer} (its own when there is no route). */
    public NodeAddress dialAddress(String peer, NodeAddress own) {
        return dial.getOrDefault(peer, own);
    }
}

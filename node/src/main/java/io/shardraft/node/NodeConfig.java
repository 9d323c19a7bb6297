package io.shardraft.node;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableMap;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.data.PeerRoutes;
import io.shardraft.cluster.data.RaftSettings;
import io.shardraft.node.store.MapDbShardConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * A node's configuration.
 *
 * @param nodeId    this node's id, one of {@code peers}
 * @param peers     every node of the cluster (this one included): id → host, raft port, gRPC port
 * @param dataDir   where every shard's Raft state and MapDB files live
 * @param bindHost  the interface the node's servers bind (default: its advertised host)
 * @param settings  Raft tuning
 * @param store     MapDB settings of replicated shards (unreplicated ones always commit every apply)
 * @param routes    peers this node dials at another address (a proxy per link for fault injection)
 */
public record NodeConfig(String nodeId, Map<String, NodeAddress> peers, Path dataDir, String bindHost,
        RaftSettings settings, MapDbShardConfig store, PeerRoutes routes) {

    public NodeConfig {
        Preconditions.checkArgument(nodeId != null && !nodeId.isBlank(), "node id must not be empty");
        Preconditions.checkArgument(peers != null && peers.containsKey(nodeId),
                "the peer list %s must contain this node %s", peers == null ? Map.of() : peers.keySet(), nodeId);
        peers = ImmutableMap.copyOf(peers);
        Preconditions.checkNotNull(dataDir, "data directory");
        bindHost = bindHost == null || bindHost.isBlank() ? peers.get(nodeId).host() : bindHost;
        settings = settings == null ? RaftSettings.DEFAULTS : settings;
        store = store == null ? MapDbShardConfig.REPLICATED : store;
        routes = routes == null ? PeerRoutes.NONE : routes;
    }

    public NodeConfig(String nodeId, Map<String, NodeAddress> peers, Path dataDir, String bindHost,
            RaftSettings settings, MapDbShardConfig store) {
        this(nodeId, peers, dataDir, bindHost, settings, store, PeerRoutes.NONE);
    }

    public NodeAddress self() {
        return peers.get(nodeId);
    }
}

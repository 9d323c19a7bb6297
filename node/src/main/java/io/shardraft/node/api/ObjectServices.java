package io.shardraft.node.api;

import io.grpc.ManagedChannel;
import io.grpc.ServerInterceptor;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.node.NodeConfig;
import io.shardraft.node.db.HostDatabase;
import io.shardraft.node.meta.ClusterMetadata;
import java.util.List;
import java.util.function.Function;

/** Wires a node's ObjectService with its forwarding to other replicas. */
public final class ObjectServices {
    private ObjectServices() {
    }

    public static ObjectServiceImpl create(NodeConfig config, HostDatabase database, ClusterMetadata metadata,
            Function<NodeAddress, ManagedChannel> channels) {
        Forwarding forwarding = new Forwarding(config.nodeId(), config.peers(), channels,
                config.settings().applyTimeout().plus(config.settings().retryBudget()));
        return new ObjectServiceImpl(database, metadata, forwarding, List.copyOf(config.peers().keySet()));
    }

    /** The interceptor that marks calls forwarded by another node (they are never forwarded again). */
    public static ServerInterceptor forwardedMarker() {
        return Forwarding.marker();
    }
}

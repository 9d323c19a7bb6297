package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import io.shardraft.cluster.spi.HostShardFactory;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Configuration of a node's Registry.
 *
 * @param nodeId          this node's id; the resolver must know it
 * @param addressResolver node id → address, for every node of the cluster
 * @param raftPort        the one port of this node's JRaft RPC server (every group shares it); must
 *                        equal the resolver's raft port for {@code nodeId}
 * @param bindHost        the interface the JRaft RPC server binds (default: the resolver's host)
 * @param dataDir         default parent of shard data paths: {@code dataDir/<index>/<shard>}
 * @param settings        Raft tuning (defaults: {@link RaftSettings#DEFAULTS})
 * @param rpcClientMaker  makes the client used to forward to leaders; null: this node cannot forward
 * @param hostShardFactory opens host shards for stores created without an explicit shard; may be null
 * @param peerRoutes      peers this node dials at another address (e.g. through a proxy); default none
 */
public record RegistryConfig(
        String nodeId,
        AddressResolver addressResolver,
        int raftPort,
        String bindHost,
        Path dataDir,
        RaftSettings settings,
        RpcClientMaker rpcClientMaker,
        HostShardFactory hostShardFactory,
        PeerRoutes peerRoutes) {

    public RegistryConfig {
        Preconditions.checkArgument(nodeId != null && !nodeId.isEmpty(), "nodeId must not be empty");
        Preconditions.checkNotNull(addressResolver, "addressResolver");
        NodeAddress self = addressResolver.resolve(nodeId).orElseThrow(() ->
                new IllegalArgumentException("node " + nodeId + " is not known to " + addressResolver));
        if (raftPort == 0) {
            raftPort = self.raftPort();
        }
        Preconditions.checkArgument(raftPort == self.raftPort(),
                "raftPort %s differs from the resolver's raft port %s for node %s", raftPort, self.raftPort(), nodeId);
        bindHost = bindHost == null || bindHost.isEmpty() ? self.host() : bindHost;
        Preconditions.checkNotNull(dataDir, "dataDir");
        settings = settings == null ? RaftSettings.DEFAULTS : settings;
        peerRoutes = peerRoutes == null ? PeerRoutes.NONE : peerRoutes;
        for (String peer : peerRoutes.dial().keySet()) {
            Preconditions.checkArgument(addressResolver.resolve(peer).isPresent(),
                    "a route is given for node %s, which is not a peer", peer);
        }
    }

    public NodeAddress self() {
        return addressResolver.resolve(nodeId).orElseThrow();
    }

    public Optional<RpcClientMaker> rpcClients() {
        return Optional.ofNullable(rpcClientMaker);
    }

    IndexRaftConfig indexRaftConfig(String index) {
        return new IndexRaftConfig(index, nodeId, addressResolver, raftPort, settings, hostShardFactory);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String nodeId;
        private AddressResolver addressResolver;
        private int raftPort;
        private String bindHost;
        private Path dataDir;
        private RaftSettings settings;
        private RpcClientMaker rpcClientMaker;
        private HostShardFactory hostShardFactory;
        private PeerRoutes peerRoutes;

        public Builder nodeId(String v) { this.nodeId = v; return this; }
        public Builder addressResolver(AddressResolver v) { this.addressResolver = v; return this; }
        public Builder raftPort(int v) { this.raftPort = v; return this; }
        public Builder bindHost(String v) { this.bindHost = v; return this; }
        public Builder dataDir(Path v) { this.dataDir = v; return this; }
        public Builder settings(RaftSettings v) { this.settings = v; return this; }
        public Builder rpcClientMaker(RpcClientMaker v) { this.rpcClientMaker = v; return this; }
        public Builder hostShardFactory(HostShardFactory v) { this.hostShardFactory = v; return this; }
        public Builder peerRoutes(PeerRoutes v) { this.peerRoutes = v; return this; }

        public RegistryConfig build() {
            return new RegistryConfig(nodeId, addressResolver, raftPort, bindHost, dataDir, settings,
                    rpcClientMaker, hostShardFactory, peerRoutes);
        }
    }
}

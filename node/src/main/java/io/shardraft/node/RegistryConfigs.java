package io.shardraft.node;

import io.shardraft.cluster.data.RegistryConfig;
import io.shardraft.cluster.data.RpcClientMaker;
import io.shardraft.cluster.data.StaticAddressResolver;

/** The Registry configuration a node derives from its NodeConfig. */
final class RegistryConfigs {
    private RegistryConfigs() {
    }

    static RegistryConfig of(NodeConfig config, RpcClientMaker clients) {
        return RegistryConfig.builder()
                .nodeId(config.nodeId())
                .addressResolver(new StaticAddressResolver(config.peers()))
                .bindHost(config.bindHost())
                .dataDir(config.dataDir())
                .settings(config.settings())
                .rpcClientMaker(clients)
                .peerRoutes(config.routes())
                .build();
    }
}

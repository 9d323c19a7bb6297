package io.shardraft.cluster.data;

/** Makes the node's client for forwarding to leaders (the gRPC ShardReplicationClient in production). */
@FunctionalInterface
public interface RpcClientMaker {
    LeaderForwarder make(RegistryConfig config);
}

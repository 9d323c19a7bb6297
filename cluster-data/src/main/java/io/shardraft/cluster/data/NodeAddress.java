package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import com.google.common.base.Strings;

/**
 * Where a node can be reached: its host, the port of its JRaft RPC server (shared by every Raft group
 * of the node) and the port of its gRPC server (ShardReplicationService and the client API).
 */
public record NodeAddress(String host, int raftPort, int grpcPort) {
    public NodeAddress {
        Preconditions.checkArgument(!Strings.isNullOrEmpty(host), "host must not be empty");
        Preconditions.checkArgument(raftPort > 0 && raftPort < 65536, "raftPort out of range: %s", raftPort);
        Preconditions.checkArgument(grpcPort > 0 && grpcPort < 65536, "grpcPort out of range: %s", grpcPort);
        Preconditions.checkArgument(raftPort != grpcPort, "raftPort and grpcPort must differ (both %s)", raftPort);
    }

    /** {@code host:raftPort}, the form JRaft uses for a peer. */
    public String raftEndpoint() {
        return host + ":" + raftPort;
    }

    /** {@code host:grpcPort}. */
    public String grpcTarget() {
        return host + ":" + grpcPort;
    }
}

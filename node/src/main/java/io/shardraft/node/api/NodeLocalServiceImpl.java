package io.shardraft.node.api;

import io.grpc.stub.StreamObserver;
import io.shardraft.api.v1.ClusterStatusRequest;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.ConsistencyCheckRequest;
import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.NodeLocalServiceGrpc;
import io.shardraft.api.v1.NodeStatus;
import io.shardraft.api.v1.ReplicaChecksum;
import io.shardraft.api.v1.ReplicaStatus;
import io.shardraft.api.v1.ShardCheck;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.data.ShardStats;
import io.shardraft.node.db.HostDatabase;
import io.shardraft.node.db.IndexDefinition;
import io.shardraft.node.meta.ClusterMetadata;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** This node's own view: its replicas' Raft state and checksums. AdminService gathers it from every node. */
public final class NodeLocalServiceImpl extends NodeLocalServiceGrpc.NodeLocalServiceImplBase {
    private final String nodeId;
    private final NodeAddress self;
    private final Registry registry;
    private final HostDatabase database;
    private final ClusterMetadata metadata;

    public NodeLocalServiceImpl(String nodeId, NodeAddress self, Registry registry, HostDatabase database,
            ClusterMetadata metadata) {
        this.nodeId = nodeId;
        this.self = self;
        this.registry = registry;
        this.database = database;
        this.metadata = metadata;
    }

    @Override
    public void localStatus(ClusterStatusRequest r, StreamObserver<ClusterStatusResponse> out) {
        ApiErrors.call(out, () -> CompletableFuture.completedFuture(localStatus()), s -> s);
    }

    ClusterStatusResponse localStatus() {
        ClusterStatusResponse.Builder b = ClusterStatusResponse.newBuilder()
                .addNodes(NodeStatus.newBuilder().setNodeId(nodeId).setClientAddress(self.grpcTarget())
                        .setRaftAddress(self.raftEndpoint()).setReachable(true))
                .setMetadataLeader(metadata.leader().orElse(""));
        Map<String, String> userNames = new java.util.HashMap<>();
        for (IndexDefinition d : database.indexes()) {
            userNames.put(d.raftName(), d.name());
        }
        for (ShardStats s : registry.allShardStats()) {
            if (s.index().equals(ClusterMetadata.META_INDEX)) {
                continue;
            }
            b.addReplicas(ReplicaStatus.newBuilder()
                    .setIndex(userNames.getOrDefault(s.index(), s.index()))
                    .setShard(s.shard())
                    .setNodeId(s.nodeId())
                    .setRole(s.role().name())
                    .setLeader(s.leaderId().orElse(""))
                    .setTerm(Math.max(0, s.term()))
                    .setCommittedIndex(s.committedIndex())
                    .setAppliedIndex(s.appliedIndex()));
        }
        return b.build();
    }

    @Override
    public void localChecksums(ConsistencyCheckRequest r, StreamObserver<ConsistencyCheckResponse> out) {
        ApiErrors.call(out, () -> localChecksums(r.getIndex()), c -> c);
    }

    CompletableFuture<ConsistencyCheckResponse> localChecksums(String index) {
        var idx = database.requireIndex(index);
        String raftName = idx.definition().raftName();
        // a STRONG barrier first, so a replica that is merely behind catches up before it is compared
        return idx.checksums(ReadConsistency.STRONG).thenApply(sums -> {
            ConsistencyCheckResponse.Builder b = ConsistencyCheckResponse.newBuilder().setIndex(index);
            sums.forEach((shard, sum) -> b.addShards(ShardCheck.newBuilder().setShard(shard)
                    .addReplicas(ReplicaChecksum.newBuilder().setNodeId(nodeId).setChecksum(sum)
                            .setAppliedIndex(registry.getStore(raftName, shard).map(st -> st.lastAppliedIndex())
                                    .orElse(0L)))));
            return b.build();
        });
    }
}

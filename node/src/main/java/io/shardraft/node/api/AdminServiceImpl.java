package io.shardraft.node.api;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.shardraft.api.v1.AdminServiceGrpc;
import io.shardraft.api.v1.ClusterStatusRequest;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.ConsistencyCheckRequest;
import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.NodeLocalServiceGrpc;
import io.shardraft.api.v1.NodeStatus;
import io.shardraft.api.v1.ReplicaChecksum;
import io.shardraft.api.v1.ShardCheck;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.node.db.IndexDefinition;
import io.shardraft.node.meta.ClusterMetadata;
import io.shardraft.node.store.ReplicaPlacement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** AdminService: cluster status and the replica consistency check, gathered from every node. */
public final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {
    private static final int CHECK_ATTEMPTS = 5;

    private final String self;
    private final Map<String, NodeAddress> peers;
    private final NodeLocalServiceImpl local;
    private final Function<NodeAddress, ManagedChannel> channels;
    private final ClusterMetadata metadata;
    private final Duration timeout;
    private final Executor delayed;

    public AdminServiceImpl(String self, Map<String, NodeAddress> peers, NodeLocalServiceImpl local,
            Function<NodeAddress, ManagedChannel> channels, ClusterMetadata metadata, Duration timeout) {
        this.self = self;
        this.peers = new TreeMap<>(peers);
        this.local = local;
        this.channels = channels;
        this.metadata = metadata;
        this.timeout = timeout;
        this.delayed = CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS);
    }

    private NodeLocalServiceGrpc.NodeLocalServiceBlockingStub stub(NodeAddress a) {
        return NodeLocalServiceGrpc.newBlockingStub(channels.apply(a)).withDeadlineAfter(timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void clusterStatus(ClusterStatusRequest r, StreamObserver<ClusterStatusResponse> out) {
        ApiErrors.call(out, () -> CompletableFuture.supplyAsync(this::gatherStatus), s -> s);
    }

    private ClusterStatusResponse gatherStatus() {
        ClusterStatusResponse.Builder b = ClusterStatusResponse.newBuilder();
        Map<String, CompletableFuture<ClusterStatusResponse>> calls = new LinkedHashMap<>();
        peers.forEach((id, a) -> calls.put(id, id.equals(self) ? CompletableFuture.completedFuture(local.localStatus())
                : CompletableFuture.supplyAsync(() -> stub(a).localStatus(ClusterStatusRequest.getDefaultInstance()))));
        calls.forEach((id, f) -> {
            NodeAddress a = peers.get(id);
            try {
                ClusterStatusResponse s = f.join();
                b.addAllNodes(s.getNodesList());
                b.addAllReplicas(s.getReplicasList());
                if (b.getMetadataLeader().isEmpty()) {
                    b.setMetadataLeader(s.getMetadataLeader());
                }
            } catch (RuntimeException e) {
                b.addNodes(NodeStatus.newBuilder().setNodeId(id).setClientAddress(a.grpcTarget())
                        .setRaftAddress(a.raftEndpoint()).setReachable(false)
                        .setError(ApiErrors.toStatus(e).getStatus().toString()));
            }
        });
        return b.build();
    }

    @Override
    public void consistencyCheck(ConsistencyCheckRequest r, StreamObserver<ConsistencyCheckResponse> out) {
        ApiErrors.call(out, () -> metadata.describe(r.getIndex(), io.shardraft.cluster.data.ReadConsistency.STRONG)
                .thenCompose(def -> check(def.orElseThrow(() -> io.shardraft.cluster.error.ReplicationException
                        .notFound("index '" + r.getIndex() + "' does not exist")), 1)), c -> c);
    }

    /** Replicas being written to differ for a moment; a difference is reported only if it persists. */
    private CompletableFuture<ConsistencyCheckResponse> check(IndexDefinition def, int attempt) {
        return CompletableFuture.supplyAsync(() -> checkOnce(def)).thenCompose(result -> {
            if (result.getConsistent() || attempt >= CHECK_ATTEMPTS) {
                return CompletableFuture.completedFuture(result);
            }
            return CompletableFuture.supplyAsync(() -> null, delayed).thenCompose(v -> check(def, attempt + 1));
        });
    }

    private ConsistencyCheckResponse checkOnce(IndexDefinition def) {
        List<List<String>> placement = ReplicaPlacement.place(new ArrayList<>(new TreeSet<>(peers.keySet())),
                def.shards(), def.replicationFactor());
        Map<String, ConsistencyCheckResponse> byNode = new TreeMap<>();
        Map<String, String> errors = new TreeMap<>();
        Map<String, CompletableFuture<ConsistencyCheckResponse>> calls = new LinkedHashMap<>();
        ConsistencyCheckRequest req = ConsistencyCheckRequest.newBuilder().setIndex(def.name()).build();
        peers.forEach((id, a) -> calls.put(id, id.equals(self) ? local.localChecksums(def.name())
                : CompletableFuture.supplyAsync(() -> stub(a).localChecksums(req))));
        calls.forEach((id, f) -> {
            try {
                byNode.put(id, f.join());
            } catch (RuntimeException e) {
                errors.put(id, ApiErrors.toStatus(e).getStatus().toString());
            }
        });
        ConsistencyCheckResponse.Builder out = ConsistencyCheckResponse.newBuilder().setIndex(def.name());
        boolean all = true;
        for (int s = 0; s < def.shards(); s++) {
            String shard = def.shardName(s);
            ShardCheck.Builder sc = ShardCheck.newBuilder().setShard(shard);
            TreeSet<String> sums = new TreeSet<>();
            boolean complete = true;
            for (String node : placement.get(s)) {
                ReplicaChecksum found = null;
                ConsistencyCheckResponse resp = byNode.get(node);
                if (resp != null) {
                    for (ShardCheck c : resp.getShardsList()) {
                        if (c.getShard().equals(shard) && c.getReplicasCount() > 0) {
                            found = c.getReplicas(0);
                        }
                    }
                }
                if (found == null) {
                    complete = false;
                    sc.addReplicas(ReplicaChecksum.newBuilder().setNodeId(node)
                            .setError(errors.getOrDefault(node, "replica did not answer")));
                } else {
                    sums.add(found.getChecksum());
                    sc.addReplicas(found);
                }
            }
            boolean consistent = complete && sums.size() == 1;
            sc.setConsistent(consistent);
            all &= consistent;
            out.addShards(sc);
        }
        return out.setConsistent(all).build();
    }
}

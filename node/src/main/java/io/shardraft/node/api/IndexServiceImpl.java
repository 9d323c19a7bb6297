package io.shardraft.node.api;

import io.grpc.stub.StreamObserver;
import io.shardraft.api.v1.CreateIndexRequest;
import io.shardraft.api.v1.DescribeIndexRequest;
import io.shardraft.api.v1.DropIndexRequest;
import io.shardraft.api.v1.DropIndexResponse;
import io.shardraft.api.v1.IndexInfo;
import io.shardraft.api.v1.IndexServiceGrpc;
import io.shardraft.api.v1.ListIndexesRequest;
import io.shardraft.api.v1.ListIndexesResponse;
import io.shardraft.api.v1.ShardPlacement;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.data.ShardStore;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.node.db.IndexDefinition;
import io.shardraft.node.meta.ClusterMetadata;
import io.shardraft.node.meta.IndexSpecs;
import io.shardraft.node.store.ReplicaPlacement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** IndexService: index definitions go through the cluster metadata group from any node. */
public final class IndexServiceImpl extends IndexServiceGrpc.IndexServiceImplBase {
    private final ClusterMetadata metadata;
    private final Registry registry;
    private final List<String> nodes;
    private final ScheduledExecutorService scheduler;
    private final Duration leaderWait;

    public IndexServiceImpl(ClusterMetadata metadata, Registry registry, List<String> nodes,
            ScheduledExecutorService scheduler) {
        this.metadata = metadata;
        this.registry = registry;
        this.nodes = List.copyOf(new TreeSet<>(nodes));
        this.scheduler = scheduler;
        this.leaderWait = registry.config().settings().retryBudget();
    }

    @Override
    public void createIndex(CreateIndexRequest r, StreamObserver<IndexInfo> out) {
        ApiErrors.call(out, () -> metadata.createIndex(r.getSpec()).thenCompose(this::awaitLocalLeaders),
                this::info);
    }

    /** Answers a create once every shard of the index placed here has a leader (bounded), so writes can follow. */
    private CompletableFuture<IndexDefinition> awaitLocalLeaders(IndexDefinition def) {
        CompletableFuture<IndexDefinition> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + leaderWait.toNanos();
        poll(def, deadline, done);
        return done;
    }

    private void poll(IndexDefinition def, long deadline, CompletableFuture<IndexDefinition> done) {
        boolean ready = registry.getRaft(def.raftName()).map(raft -> raft.stores().values().stream()
                .allMatch(s -> s.leaderId().isPresent())).orElse(true);
        if (ready || System.nanoTime() > deadline) {
            done.complete(def);
        } else {
            scheduler.schedule(() -> poll(def, deadline, done), 20, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void dropIndex(DropIndexRequest r, StreamObserver<DropIndexResponse> out) {
        ApiErrors.call(out, () -> metadata.dropIndex(r.getName()),
                v -> DropIndexResponse.newBuilder().setDropped(true).build());
    }

    @Override
    public void listIndexes(ListIndexesRequest r, StreamObserver<ListIndexesResponse> out) {
        ApiErrors.call(out, () -> metadata.list(ReadConsistency.STRONG), defs -> {
            ListIndexesResponse.Builder b = ListIndexesResponse.newBuilder();
            defs.forEach(d -> b.addIndexes(info(d)));
            return b.build();
        });
    }

    @Override
    public void describeIndex(DescribeIndexRequest r, StreamObserver<IndexInfo> out) {
        ApiErrors.call(out, () -> metadata.describe(r.getName(), ReadConsistency.STRONG), found -> info(found
                .orElseThrow(() -> ReplicationException.notFound("index '" + r.getName() + "' does not exist"))));
    }

    private IndexInfo info(IndexDefinition def) {
        IndexInfo.Builder b = IndexInfo.newBuilder().setSpec(IndexSpecs.toSpec(def)).setIncarnation(def.incarnation());
        List<List<String>> placement = ReplicaPlacement.place(nodes, def.shards(), def.replicationFactor());
        for (int s = 0; s < def.shards(); s++) {
            String shard = def.shardName(s);
            Optional<String> leader = registry.getStore(def.raftName(), shard).flatMap(ShardStore::leaderId);
            b.addShards(ShardPlacement.newBuilder().setShard(shard).addAllReplicas(placement.get(s))
                    .setLeader(leader.orElse("")));
        }
        return b.build();
    }
}

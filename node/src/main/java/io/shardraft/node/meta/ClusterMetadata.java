package io.shardraft.node.meta;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CreateIndex;
import io.shardraft.api.v1.DropIndex;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.data.ShardStore;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.node.db.IndexDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster-wide metadata group: one Raft group over every node, carrying index creates and drops.
 * It is an ordinary shardraft group (index {@value #META_INDEX}, shard {@value #META_SHARD}) whose state
 * machine is {@link MetadataShard}, so a create or drop sent to any node is forwarded to the metadata
 * leader by the same Router and ShardReplicationService as object writes. User indexes live under
 * {@code <name>_<incarnation>}, a form this name never takes.
 */
public final class ClusterMetadata {
    public static final String META_INDEX = "shardraft-meta";
    public static final String META_SHARD = "meta";

    private final Registry registry;
    private final List<String> nodes;
    private final MetadataShard state;
    private final Duration timeout;

    public ClusterMetadata(Registry registry, List<String> nodes, MetadataListener listener) {
        this.registry = registry;
        this.nodes = List.copyOf(nodes);
        this.state = new MetadataShard(nodes.size(), listener);
        this.timeout = registry.config().settings().applyTimeout();
    }

    /** Starts this node's replica of the metadata group; its log replays every create and drop. */
    public void start() {
        registry.getOrCreateRaft(META_INDEX).onShardCreated(META_SHARD, nodes, registry.dataPath(META_INDEX, META_SHARD),
                state);
    }

    private ShardStore store() {
        return registry.requireStore(META_INDEX, META_SHARD);
    }

    /** The metadata leader's node id, when known. */
    public Optional<String> leader() {
        return registry.getStore(META_INDEX, META_SHARD).flatMap(ShardStore::leaderId);
    }

    /** Completes once this replica has applied everything committed before the call (a STRONG barrier). */
    public CompletableFuture<Long> catchUp() {
        return store().readIndex(timeout);
    }

    /**
     * Creates the index cluster-wide (idempotent for an identical spec). Completes with the definition once
     * this node has applied it (so its local shards are open).
     */
    public CompletableFuture<IndexDefinition> createIndex(IndexSpec spec) {
        IndexDefinition candidate;
        try {
            candidate = IndexSpecs.toDefinition(spec, 0);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(ReplicationException.invalid(e.getMessage()));
        }
        if (candidate.replicationFactor() > nodes.size()) {
            return CompletableFuture.failedFuture(ReplicationException.invalid("replicas: "
                    + candidate.replicationFactor() + " exceeds the " + nodes.size() + " nodes of the cluster"));
        }
        if (!candidate.replicated() && nodes.size() > 1) {
            return CompletableFuture.failedFuture(ReplicationException.invalid(
                    "unreplicated indexes are only available on a single-node cluster"));
        }
        Command cmd = Command.newBuilder().setCreateIndex(CreateIndex.newBuilder().setSpec(IndexSpecs.toSpec(candidate)))
                .build();
        return submit(cmd).thenApply(item -> state.definition(spec.getName()).orElseThrow(() ->
                ReplicationException.notFound("index '" + spec.getName() + "' was dropped meanwhile")));
    }

    /** Drops the index cluster-wide; every node purges its shards. */
    public CompletableFuture<Void> dropIndex(String name) {
        return submit(Command.newBuilder().setDropIndex(DropIndex.newBuilder().setName(name)).build())
                .thenApply(item -> null);
    }

    private CompletableFuture<ItemResult> submit(Command cmd) {
        return registry.router(META_INDEX).submit(META_SHARD, cmd).thenCompose(result -> {
            ItemResult item = result.getItems(0);
            return store().waitForAppliedIndex(result.getLogIndex(), timeout).thenApply(applied -> item);
        }).thenApply(item -> switch (item.getStatus()) {
            case ITEM_OK -> item;
            case ITEM_NOT_FOUND -> throw ReplicationException.notFound(item.getMessage());
            case ITEM_CONFLICT -> throw new MetadataConflictException(item.getMessage());
            case ITEM_REJECTED -> throw ReplicationException.invalid(item.getMessage());
            default -> throw new ReplicationException(ReplicationException.Reason.INTERNAL, item.getMessage());
        });
    }

    /** The index definitions, as of a read at the given consistency on this node's replica. */
    public CompletableFuture<List<IndexDefinition>> list(ReadConsistency consistency) {
        return registry.router(META_INDEX).read(META_SHARD, consistency, h -> ((MetadataShard) h).definitions());
    }

    public CompletableFuture<Optional<IndexDefinition>> describe(String name, ReadConsistency consistency) {
        return registry.router(META_INDEX).read(META_SHARD, consistency, h -> ((MetadataShard) h).definition(name));
    }

    /** This replica's definitions without a read barrier. */
    public List<IndexDefinition> localDefinitions() {
        return state.definitions();
    }
}

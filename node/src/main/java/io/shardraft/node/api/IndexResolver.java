package io.shardraft.node.api;

import io.shardraft.node.db.HostDatabase;
import io.shardraft.node.db.ObjectIndex;
import io.shardraft.node.meta.ClusterMetadata;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Finds an index by name on this node. An index created through another node a moment ago may not be
 * applied here yet: before answering NOT_FOUND, this node catches up with the metadata group once.
 */
final class IndexResolver {
    private final HostDatabase database;
    private final ClusterMetadata metadata;

    IndexResolver(HostDatabase database, ClusterMetadata metadata) {
        this.database = database;
        this.metadata = metadata;
    }

    CompletableFuture<ObjectIndex> resolve(String name) {
        Optional<ObjectIndex> local = database.index(name);
        if (local.isPresent()) {
            return CompletableFuture.completedFuture(local.get());
        }
        return metadata.catchUp().thenApply(i -> database.requireIndex(name));
    }
}

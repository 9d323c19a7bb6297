package io.shardraft.node.db;

import com.google.common.base.Preconditions;
import io.shardraft.cluster.data.Names;
import io.shardraft.node.store.Distance;
import io.shardraft.node.store.IndexSchema;
import io.shardraft.node.store.ShardHasher;

/**
 * What an index is: its name, how it is split and replicated, and its vectors.
 *
 * @param replicated false: one replica per shard, applied directly with no Raft (replicationFactor 1)
 */
public record IndexDefinition(String name, int shards, int replicationFactor, int dimensions, Distance distance,
        boolean replicated) {

    public static final int MAX_SHARDS = 4096;

    public IndexDefinition {
        Names.checkName("index", name);
        Preconditions.checkArgument(shards >= 1 && shards <= MAX_SHARDS, "shards must be between 1 and %s, got %s",
                MAX_SHARDS, shards);
        Preconditions.checkArgument(replicationFactor >= 1, "replicas must be at least 1, got %s", replicationFactor);
        Preconditions.checkArgument(replicated || replicationFactor == 1,
                "an unreplicated index has exactly 1 replica per shard, got %s", replicationFactor);
        Preconditions.checkNotNull(distance, "metric");
        schema(name, dimensions, distance); // validates dimensions
    }

    public static IndexDefinition replicated(String name, int shards, int replicas, int dimensions, Distance distance) {
        return new IndexDefinition(name, shards, replicas, dimensions, distance, true);
    }

    public static IndexDefinition standalone(String name, int shards, int dimensions, Distance distance) {
        return new IndexDefinition(name, shards, 1, dimensions, distance, false);
    }

    private static IndexSchema schema(String name, int dimensions, Distance distance) {
        return new IndexSchema(name, dimensions, distance);
    }

    public IndexSchema schema() {
        return schema(name, dimensions, distance);
    }

    public String shardName(int shard) {
        return ShardHasher.shardName(shard);
    }

    /** The shard an object id belongs to (stable on every node and across restarts). */
    public int shardOf(String id) {
        return ShardHasher.shardOf(id, shards);
    }
}

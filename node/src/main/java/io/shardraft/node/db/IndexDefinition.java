package io.shardraft.node.db;

import com.google.common.base.Preconditions;
import io.shardraft.cluster.data.Names;
import io.shardraft.node.store.Distance;
import io.shardraft.node.store.IndexSchema;
import io.shardraft.node.store.ShardHasher;

/**
 * What an index is: its name, how it is split and replicated, and its vectors.
 *
 * @param replicated  false: one replica per shard, applied directly with no Raft (replicationFactor 1)
 * @param incarnation set by the cluster metadata when the index is created (the log index of the create);
 *                    part of the Raft groups' names and directories, so a dropped and re-created index
 *                    never exchanges a message or a file with remnants of the old one. 0: none (local use)
 */
public record IndexDefinition(String name, int shards, int replicationFactor, int dimensions, Distance distance,
        boolean replicated, long incarnation) {

    public static final int MAX_SHARDS = 4096;
    public static final int MAX_NAME_LENGTH = 100;

    public IndexDefinition {
        Names.checkName("index", name);
        Preconditions.checkArgument(name.length() <= MAX_NAME_LENGTH, "index name must be at most %s characters",
                MAX_NAME_LENGTH);
        Preconditions.checkArgument(incarnation >= 0, "incarnation must not be negative");
        Preconditions.checkArgument(shards >= 1 && shards <= MAX_SHARDS, "shards must be between 1 and %s, got %s",
                MAX_SHARDS, shards);
        Preconditions.checkArgument(replicationFactor >= 1, "replicas must be at least 1, got %s", replicationFactor);
        Preconditions.checkArgument(replicated || replicationFactor == 1,
                "an unreplicated index has exactly 1 replica per shard, got %s", replicationFactor);
        Preconditions.checkNotNull(distance, "metric");
        schema(name, dimensions, distance); // validates dimensions
    }

    public static IndexDefinition replicated(String name, int shards, int replicas, int dimensions, Distance distance) {
        return new IndexDefinition(name, shards, replicas, dimensions, distance, true, 0);
    }

    public static IndexDefinition standalone(String name, int shards, int dimensions, Distance distance) {
        return new IndexDefinition(name, shards, 1, dimensions, distance, false, 0);
    }

    public IndexDefinition withIncarnation(long value) {
        return new IndexDefinition(name, shards, replicationFactor, dimensions, distance, replicated, value);
    }

    /**
     * The name of the index inside shardraft (Raft groups, directories, ShardReplicationService):
     * {@code <name>_<incarnation>}. Index names never contain "__" or end with '_', so it cannot collide with
     * another index's.
     */
    public String raftName() {
        return incarnation == 0 ? name : name + "_" + incarnation;
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

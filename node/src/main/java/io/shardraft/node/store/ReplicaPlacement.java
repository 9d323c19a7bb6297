package io.shardraft.node.store;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which nodes hold each shard. Nodes are taken in sorted order; shard {@code s} goes to the
 * {@code replicationFactor} nodes starting at position {@code s mod n}, so consecutive shards rotate the
 * first (preferred leader) node and replicas and initial leaders spread evenly. Deterministic: every node
 * computes the same placement from the same inputs.
 */
public final class ReplicaPlacement {

    private ReplicaPlacement() {
    }

    /**
     * For each shard {@code 0..shardCount-1}, its replica node ids, preferred leader first.
     *
     * @throws IllegalArgumentException if there are no nodes, duplicate ids, {@code shardCount < 1},
     *                                  {@code replicationFactor < 1} or more replicas than nodes
     */
    public static List<List<String>> place(List<String> nodeIds, int shardCount, int replicationFactor) {
        Preconditions.checkArgument(!nodeIds.isEmpty(), "nodeIds must not be empty");
        Preconditions.checkArgument(shardCount > 0, "shardCount must be > 0, got %s", shardCount);
        Preconditions.checkArgument(replicationFactor > 0,
                "replicationFactor must be > 0, got %s", replicationFactor);
        TreeSet<String> unique = new TreeSet<>(nodeIds);
        Preconditions.checkArgument(unique.size() == nodeIds.size(), "nodeIds has duplicates: %s", nodeIds);
        Preconditions.checkArgument(replicationFactor <= unique.size(),
                "replicationFactor %s exceeds the %s nodes", replicationFactor, unique.size());
        List<String> nodes = List.copyOf(unique);
        ImmutableList.Builder<List<String>> shards = ImmutableList.builderWithExpectedSize(shardCount);
        for (int s = 0; s < shardCount; s++) {
            ImmutableList.Builder<String> replicas = ImmutableList.builderWithExpectedSize(replicationFactor);
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add(nodes.get((s + r) % nodes.size()));
            }
            shards.add(replicas.build());
        }
        return shards.build();
    }
}

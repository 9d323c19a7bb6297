package io.shardraft.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ShardHasher} and {@link ReplicaPlacement}. */
class ShardingTest {

    @Test
    void hashIsStable() {
        // Frozen values, cross-checked against an independent murmur3_x64_128 (first 8 bytes as little-endian
        // long, floorMod). A change here moves objects between shards.
        assertEquals(FROZEN_3, List.of(
                ShardHasher.shardOf("0f8fad5b-d9cb-469f-a165-70867728950e", 3),
                ShardHasher.shardOf("7c9e6679-7425-40de-944b-e07fc1f90ae7", 3),
                ShardHasher.shardOf("00000000-0000-0000-0000-000000000000", 3),
                ShardHasher.shardOf("ffffffff-ffff-ffff-ffff-ffffffffffff", 3)));
        assertEquals(FROZEN_16, List.of(
                ShardHasher.shardOf("0f8fad5b-d9cb-469f-a165-70867728950e", 16),
                ShardHasher.shardOf("7c9e6679-7425-40de-944b-e07fc1f90ae7", 16),
                ShardHasher.shardOf("00000000-0000-0000-0000-000000000000", 16),
                ShardHasher.shardOf("ffffffff-ffff-ffff-ffff-ffffffffffff", 16)));
        assertEquals(ShardHasher.shardOf("0f8fad5b-d9cb-469f-a165-70867728950e", 7),
                ShardHasher.shardOf("0F8FAD5B-D9CB-469F-A165-70867728950E", 7), "case does not matter");
        assertEquals(0, ShardHasher.shardOf(UUID.randomUUID(), 1));
        assertThrows(IllegalArgumentException.class, () -> ShardHasher.shardOf(UUID.randomUUID(), 0));
    }

    static final List<Integer> FROZEN_3 = List.of(2, 2, 0, 0);
    static final List<Integer> FROZEN_16 = List.of(9, 12, 6, 6);

    @Test
    void hashIsRoughlyUniform() {
        Random rnd = new Random(2024);
        for (int shards : new int[] {3, 8}) {
            int[] counts = new int[shards];
            for (int i = 0; i < 10_000; i++) {
                int s = ShardHasher.shardOf(new UUID(rnd.nextLong(), rnd.nextLong()), shards);
                assertTrue(s >= 0 && s < shards);
                counts[s]++;
            }
            double expected = 10_000.0 / shards;
            for (int c : counts) {
                assertTrue(Math.abs(c - expected) < expected * 0.1,
                        "shard count " + c + " vs expected " + expected + " of " + shards);
            }
        }
    }

    @Test
    void shardNames() {
        assertEquals("shard-0", ShardHasher.shardName(0));
        assertEquals("shard-12", ShardHasher.shardName(12));
        assertThrows(IllegalArgumentException.class, () -> ShardHasher.shardName(-1));
    }

    @Test
    void threeNodesThreeShardsEachNodeLeadsOnce() {
        List<List<String>> p = ReplicaPlacement.place(List.of("n3", "n1", "n2"), 3, 3);
        assertEquals(List.of(
                List.of("n1", "n2", "n3"),
                List.of("n2", "n3", "n1"),
                List.of("n3", "n1", "n2")), p);
    }

    @Test
    void leadersAndReplicasSpreadEvenly() {
        List<String> nodes = List.of("a", "b", "c", "d", "e");
        List<List<String>> p = ReplicaPlacement.place(nodes, 10, 3);
        assertEquals(10, p.size());
        Map<String, Integer> leaders = new HashMap<>();
        Map<String, Integer> replicas = new HashMap<>();
        for (List<String> shard : p) {
            assertEquals(3, shard.size());
            assertEquals(3, shard.stream().distinct().count(), "no node twice in one shard");
            leaders.merge(shard.get(0), 1, Integer::sum);
            shard.forEach(n -> replicas.merge(n, 1, Integer::sum));
        }
        nodes.forEach(n -> assertEquals(2, leaders.get(n), "leaders of " + n));
        nodes.forEach(n -> assertEquals(6, replicas.get(n), "replicas on " + n));
        assertEquals(p, ReplicaPlacement.place(List.of("e", "d", "c", "b", "a"), 10, 3), "deterministic");
    }

    @Test
    void placementValidation() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReplicaPlacement.place(List.of("a", "b"), 3, 3)).getMessage().contains("exceeds"));
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacement.place(List.of(), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacement.place(List.of("a", "a"), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacement.place(List.of("a"), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacement.place(List.of("a"), 1, 0));
        assertEquals(List.of(List.of("a"), List.of("a")), ReplicaPlacement.place(List.of("a"), 2, 1));
    }
}

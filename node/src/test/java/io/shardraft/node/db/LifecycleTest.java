package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.node.store.Distance;
import io.shardraft.node.store.ReplicaPlacement;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Index and shard lifecycle through the db-adapter hooks, on three in-process nodes. */
class LifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    NodeCluster cluster;

    @BeforeEach
    void start() {
        cluster = new NodeCluster(dir, 3);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    static ObjectData object(int i) {
        return ObjectData.newBuilder().setId(UUID.randomUUID().toString()).setPropertiesJson("{\"i\":" + i + "}")
                .setVector(io.shardraft.api.v1.Vector.newBuilder().addValues(i).addValues(1)).build();
    }

    @Test
    void groupsRunExactlyOnThePlacedNodesAndDropPurgesThemEverywhere() {
        IndexDefinition def = IndexDefinition.replicated("placed", 3, 2, 2, Distance.L2);
        cluster.createIndex(def);
        List<List<String>> placement = ReplicaPlacement.place(cluster.nodeIds(), 3, 2);
        for (int s = 0; s < 3; s++) {
            String shard = def.shardName(s);
            for (String n : cluster.nodeIds()) {
                boolean placed = placement.get(s).contains(n);
                assertEquals(placed, cluster.node(n).registry().getStore("placed", shard).isPresent(), shard + " on " + n);
                assertEquals(placed, Files.isDirectory(cluster.node(n).database().shardPath("placed", shard)));
            }
        }
        cluster.dropIndex("placed");
        for (String n : cluster.nodeIds()) {
            assertTrue(cluster.node(n).registry().getRaft("placed").isEmpty());
            assertFalse(Files.exists(cluster.dataDir(n).resolve("placed")), "files of the dropped index on " + n);
        }
    }

    @Test
    void unloadThenReloadKeepsDataAndDropThenRecreateStartsEmpty() throws Exception {
        IndexDefinition def = IndexDefinition.replicated("life", 1, 3, 2, Distance.L2);
        cluster.createIndex(def);
        String shard = def.shardName(0);
        List<PutObject> puts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            puts.add(PutObject.newBuilder().setObject(object(i)).build());
        }
        await(cluster.index("node2", "life").putBatch(puts));
        cluster.awaitConverged("life", WAIT);

        // unload the shard on one node: its group stops, files stay; the other two keep serving writes
        assertTrue(cluster.node("node3").database().unloadShard("life", shard));
        assertTrue(cluster.node("node3").registry().getStore("life", shard).isEmpty());
        assertTrue(Files.isDirectory(cluster.node("node3").database().shardPath("life", shard)));
        cluster.awaitLeader("life", shard, WAIT);
        ObjectData later = object(99);
        assertEquals(ItemStatus.ITEM_OK, await(cluster.index("node1", "life").put(later)).getStatus());

        cluster.node("node3").database().loadShard("life", shard);
        cluster.awaitConverged("life", WAIT);
        assertEquals(21L, await(cluster.index("node3", "life").count(ReadConsistency.STRONG)));
        assertTrue(await(cluster.index("node3", "life").get(later.getId(), ReadConsistency.EVENTUAL)).isPresent(),
                "the reloaded replica caught up on the write it missed");

        cluster.dropIndex("life");
        cluster.createIndex(def);
        for (String n : cluster.nodeIds()) {
            assertEquals(0L, await(cluster.index(n, "life").count(ReadConsistency.STRONG)), "re-created index on " + n);
        }
    }

    @Test
    void aMixedWorkloadThroughAllNodesLeavesEqualReplicasThatSurviveARestart() throws Exception {
        IndexDefinition def = IndexDefinition.replicated("mixed", 3, 3, 2, Distance.DOT);
        cluster.createIndex(def);
        Random rnd = new Random(7);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ObjectIndex via = cluster.index(cluster.nodeIds().get(i % 3), "mixed");
            int op = ids.isEmpty() ? 0 : rnd.nextInt(4);
            switch (op) {
                case 0, 1 -> {
                    ObjectData o = object(i);
                    await(via.put(o));
                    ids.add(o.getId());
                }
                case 2 -> await(via.merge(io.shardraft.api.v1.MergeObject.newBuilder()
                        .setId(ids.get(rnd.nextInt(ids.size()))).setPropertiesJson("{\"m\":" + i + "}").build()));
                default -> await(via.delete(ids.remove(rnd.nextInt(ids.size())), Optional.empty()));
            }
        }
        cluster.awaitConverged("mixed", WAIT);
        Map<String, String> reference = await(cluster.index("node1", "mixed").checksums());
        assertEquals(3, reference.size());
        for (String n : cluster.nodeIds()) {
            assertEquals(reference, await(cluster.index(n, "mixed").checksums()), "replica checksums on " + n);
        }
        assertEquals((long) ids.size(), await(cluster.index("node2", "mixed").count(ReadConsistency.STRONG)));

        // a restart re-applies nothing it already holds: same content, same checksums
        cluster.stop("node2");
        cluster.start("node2");
        cluster.awaitConverged("mixed", WAIT);
        assertEquals(reference, await(cluster.index("node2", "mixed").checksums()));
        for (String id : ids) {
            assertTrue(await(cluster.index("node2", "mixed").get(id, ReadConsistency.STRONG)).isPresent());
        }
    }
}

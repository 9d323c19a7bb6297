package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.cluster.log.SharedLogStore;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process nodes whose groups keep their Raft logs in each node's shared log store (the
 * default): several groups replicate through it, a restarted node rebuilds its (in-memory) shards from
 * the shared log alone, a dropped index leaves no key behind, and a node never silently switches stores.
 */
class SharedLogClusterTest {
    @TempDir
    Path dir;

    @Test
    void groupsReplicateRecoverAndPurgeThroughTheSharedLog() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.startMemory(dir, 3)) {
            String index = "shared";
            int shards = 3;
            cluster.createIndex(index, shards);
            for (String node : cluster.nodeIds()) {
                assertTrue(cluster.registry(node).sharedLogStore().isPresent(), "shared log is the default");
                assertFalse(Files.exists(cluster.registry(node).dataPath(index, shardName(0)).resolve("raft/log")),
                        "no per-group RocksDB");
            }
            for (int s = 0; s < shards; s++) {
                String shard = shardName(s);
                String leader = cluster.awaitLeader(index, shard, Duration.ofSeconds(20));
                Router router = cluster.registry(leader).router(index);
                CompletableFuture<?>[] writes = new CompletableFuture<?>[40];
                for (int i = 0; i < writes.length; i++) {
                    writes[i] = router.putObject(shard, ObjectData.newBuilder().setId(shard + "-" + i)
                            .setPropertiesJson("{\"i\":" + i + "}").build());
                }
                CompletableFuture.allOf(writes).get(30, TimeUnit.SECONDS);
            }
            String restarted = cluster.nodeIds().get(2);
            long[] applied = new long[shards];
            for (int s = 0; s < shards; s++) {
                String leader = cluster.awaitLeader(index, shardName(s), Duration.ofSeconds(20));
                applied[s] = cluster.store(leader, index, shardName(s)).lastAppliedIndex();
                cluster.awaitApplied(index, shardName(s), applied[s], Duration.ofSeconds(20));
            }
            cluster.stop(restarted);
            cluster.start(restarted);
            for (int s = 0; s < shards; s++) {
                cluster.awaitApplied(index, shardName(s), applied[s], Duration.ofSeconds(20));
                MemoryHostShard fresh = cluster.memoryShard(restarted, index, shardName(s));
                assertEquals(40, fresh.count(), "shard " + s + " rebuilt from the shared log");
                String other = cluster.nodeIds().get(0);
                assertEquals(cluster.memoryShard(other, index, shardName(s)).checksum(), fresh.checksum());
            }

            cluster.deleteIndex(index);
            for (String node : cluster.nodeIds()) {
                SharedLogStore log = cluster.registry(node).sharedLogStore().orElseThrow();
                for (int s = 0; s < shards; s++) {
                    assertEquals(0, log.keyCount(Names.groupId(index, shardName(s))),
                            "dropped group " + s + " on " + node + " left keys");
                }
            }
        }
    }

    @Test
    void aNodeDoesNotSwitchLogStoresUnderItsData() {
        RaftSettings perGroup = InProcessCluster.testSettings().toBuilder().logStore(RaftLogStore.PER_GROUP).build();
        try (InProcessCluster cluster = new InProcessCluster(dir.resolve("a"), 1, perGroup,
                (i, s, d) -> new MemoryHostShard())) {
            cluster.startAll();
            cluster.createIndex("old", 1);
            cluster.awaitLeader("old", shardName(0), Duration.ofSeconds(20));
            assertTrue(cluster.registry("node1").sharedLogStore().isEmpty());
            assertTrue(Files.isDirectory(cluster.registry("node1").dataPath("old", shardName(0)).resolve("raft/log")));
        }
        // the same data directory with the shared store: the per-group log is refused, not ignored
        try (InProcessCluster cluster = new InProcessCluster(dir.resolve("a"), 1, InProcessCluster.testSettings(),
                (i, s, d) -> new MemoryHostShard())) {
            cluster.startAll();
            Exception e = assertThrows(RuntimeException.class, () -> cluster.createIndex("old", 1));
            assertTrue(e.getMessage().contains("raft.log-store=per-group"), e.getMessage());
        }
        // and a node whose logs are in the shared store does not start per group
        try (InProcessCluster cluster = new InProcessCluster(dir.resolve("a"), 1, perGroup,
                (i, s, d) -> new MemoryHostShard())) {
            Exception e = assertThrows(IllegalStateException.class, cluster::startAll);
            assertTrue(e.getMessage().contains("shared"), e.getMessage());
        }
    }

    @Test
    void logStoreNamesParse() {
        assertEquals(RaftLogStore.SHARED, RaftLogStore.parse("shared"));
        assertEquals(RaftLogStore.PER_GROUP, RaftLogStore.parse(" Per-Group "));
        assertEquals("per-group", RaftLogStore.PER_GROUP.configValue());
        Exception e = assertThrows(IllegalArgumentException.class, () -> RaftLogStore.parse("rocks"));
        assertTrue(e.getMessage().contains("shared or per-group"));
    }
}

package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.cluster.data.RaftSettings;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk with less free space than the configured reserve turns writes into RESOURCE_EXHAUSTED naming the
 * node, the path and the numbers, while reads (and deletes, which free space) go on; with the reserve
 * lowered again, writes succeed.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void writesAreRefusedBelowTheReserveAndReadsGoOn() throws Exception {
        RaftSettings normal = InProcessCluster.testSettings();
        try (NodeCluster cluster = new NodeCluster(dir, 3, normal)) {
            IndexDefinition def = IndexDefinition.replicated("full", 1, 3, 2, Distance.L2);
            cluster.createIndex(def);
            String kept = UUID.randomUUID().toString();
            String doomed = UUID.randomUUID().toString();
            cluster.index("node1", "full").put(object(kept)).get(30, TimeUnit.SECONDS);
            cluster.index("node1", "full").put(object(doomed)).get(30, TimeUnit.SECONDS);
            cluster.awaitConverged("full", Duration.ofSeconds(30));

            long free = Files.getFileStore(dir).getUsableSpace();
            RaftSettings full = normal.toBuilder().minFreeDiskBytes(free * 4).build();
            restartAll(cluster, full);
            String leader = cluster.awaitLeader("full", def.shardName(0), Duration.ofSeconds(30));
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> cluster.index("node1", "full").put(object(UUID.randomUUID().toString())).get(30, TimeUnit.SECONDS));
            ReplicationException e = ReplicationException.find(refused).orElseThrow(() -> new AssertionError(refused));
            assertEquals(ReplicationException.Reason.RESOURCE_EXHAUSTED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("the disk of node " + leader + " at "
                    + cluster.dataDir(leader)), e.getMessage());
            assertTrue(e.getMessage().contains("less than the reserve of " + free * 4 + " bytes"), e.getMessage());

            for (String n : cluster.nodeIds()) {
                assertTrue(cluster.index(n, "full").get(kept, ReadConsistency.STRONG).get(30, TimeUnit.SECONDS).isPresent(),
                        "reads go on at " + n);
            }
            assertEquals(ItemStatus.ITEM_OK, cluster.index("node1", "full").delete(doomed, Optional.empty())
                    .get(30, TimeUnit.SECONDS).getStatus(), "a delete frees space and is let through");

            restartAll(cluster, normal);
            cluster.awaitLeader("full", def.shardName(0), Duration.ofSeconds(30));
            assertEquals(ItemStatus.ITEM_OK, cluster.index("node1", "full").put(object(UUID.randomUUID().toString()))
                    .get(30, TimeUnit.SECONDS).getStatus(), "with the reserve lowered, writes succeed");
            assertEquals(2L, cluster.index("node1", "full").count(ReadConsistency.STRONG).get(30, TimeUnit.SECONDS));
        }
    }

    private static void restartAll(NodeCluster cluster, RaftSettings settings) {
        List<String> ids = cluster.nodeIds();
        ids.parallelStream().forEach(cluster::stop);
        ids.forEach(id -> cluster.start(id, settings));
    }

    private static ObjectData object(String id) {
        return ObjectData.newBuilder().setId(id).setPropertiesJson("{\"a\":1}").build();
    }
}

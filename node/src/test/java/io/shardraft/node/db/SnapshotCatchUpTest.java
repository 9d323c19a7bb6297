package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that was down while the others snapshotted and truncated their logs past its position
 * catches up through JRaft's install-snapshot of the MapDB shard's snapshot, and ends equal.
 */
class SnapshotCatchUpTest {
    @TempDir
    Path dir;

    @Test
    void aFollowerBehindTheCompactedLogRejoinsFromASnapshot() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3,
                InProcessCluster.testSettings().toBuilder().snapshotThreshold(10).build())) {
            IndexDefinition def = IndexDefinition.replicated("catchup", 1, 3, 2, Distance.L2);
            cluster.createIndex(def);
            String shard = def.shardName(0);
            String leader = cluster.awaitLeader("catchup", shard, Duration.ofSeconds(30));
            String lagging = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            cluster.stop(lagging);

            // JRaft truncates its log up to the previous snapshot when it takes a new one: two snapshots
            // with writes before each put the lagging replica's position behind the leader's first log entry
            List<String> ids = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                List<PutObject> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String id = UUID.randomUUID().toString();
                    ids.add(id);
                    batch.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id)
                            .setPropertiesJson("{\"r\":" + round + ",\"i\":" + i + "}")
                            .setVector(Vector.newBuilder().addValues(round).addValues(i))).build());
                }
                cluster.index(leader, "catchup").putBatch(batch).get(30, TimeUnit.SECONDS);
                if (round == 9 || round == 19) {
                    for (String n : cluster.running()) {
                        cluster.awaitConverged("catchup", Duration.ofSeconds(30));
                        cluster.node(n).registry().getStore("catchup", shard).orElseThrow().snapshot()
                                .get(30, TimeUnit.SECONDS);
                    }
                }
            }
            Path laggingSnapshots = cluster.dataDir(lagging).resolve("catchup").resolve(shard).resolve("raft")
                    .resolve("snapshot");
            assertFalse(hasSnapshot(laggingSnapshots), "the lagging replica never took a snapshot itself");

            cluster.start(lagging);
            cluster.awaitConverged("catchup", Duration.ofSeconds(60));
            assertTrue(hasSnapshot(laggingSnapshots), "the leader installed its snapshot on the lagging replica");
            String expected = cluster.index(leader, "catchup").checksums().get(30, TimeUnit.SECONDS).get(shard);
            InProcessCluster.awaitTrue(() -> expected.equals(cluster.index(lagging, "catchup").checksums().join().get(shard)),
                    Duration.ofSeconds(30), () -> "checksum of the rejoined replica differs");
            assertEquals(200L, cluster.index(lagging, "catchup").count(ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS));
            // a restart of a replica whose MapDB state is past its latest snapshot keeps that state
            // (the snapshot is not reloaded) and replays only what it lacks
            cluster.stop(leader);
            cluster.start(leader);
            cluster.awaitConverged("catchup", Duration.ofSeconds(60));
            InProcessCluster.awaitTrue(() -> expected.equals(cluster.index(leader, "catchup").checksums().join().get(shard)),
                    Duration.ofSeconds(30), () -> "checksum of the restarted replica differs");
            for (String id : ids.subList(0, 20)) {
                assertTrue(cluster.index(lagging, "catchup").get(id, ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS)
                        .isPresent());
            }
        }
    }

    private static boolean hasSnapshot(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("snapshot_"));
        }
    }
}

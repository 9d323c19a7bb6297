package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule 8: a restart loads the latest snapshot and replays only the log tail after it. */
class SnapshotRestartTest {
    @TempDir
    Path dir;

    @Test
    void restartLoadsTheSnapshotAndReplaysOnlyTheTail() throws Exception {
        // threshold 50: the 100 entries below are enough for a snapshot, the 10 after it are not
        try (InProcessCluster cluster = new InProcessCluster(dir, 3,
                InProcessCluster.testSettings().toBuilder().snapshotThreshold(50).build(),
                (i, s, d) -> new MemoryHostShard())) {
            cluster.startAll();
            String index = "snaps";
            String shard = shardName(0);
            cluster.createIndex(index, 1);
            String leader = cluster.awaitLeader(index, shard, Duration.ofSeconds(20));
            Router router = cluster.registry(leader).router(index);
            for (int i = 0; i < 100; i++) {
                router.putObject(shard, ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                        .setPropertiesJson("{\"i\":" + i + "}").build()).get(20, TimeUnit.SECONDS);
            }
            String restarted = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            long applied = cluster.store(leader, index, shard).lastAppliedIndex();
            cluster.awaitApplied(index, shard, applied, Duration.ofSeconds(20));
            cluster.store(restarted, index, shard).snapshot().get(20, TimeUnit.SECONDS);
            Path snapshots = cluster.registry(restarted).dataPath(index, shard).resolve("raft").resolve("snapshot");
            try (Stream<Path> s = Files.list(snapshots)) {
                assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("snapshot_")), "snapshot written");
            }
            for (int i = 0; i < 10; i++) {
                router.putObject(shard, ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                        .setPropertiesJson("{\"tail\":" + i + "}").build()).get(20, TimeUnit.SECONDS);
            }
            long last = cluster.store(leader, index, shard).lastAppliedIndex();
            cluster.awaitApplied(index, shard, last, Duration.ofSeconds(20));

            cluster.stop(restarted);
            cluster.start(restarted);
            cluster.awaitApplied(index, shard, last, Duration.ofSeconds(20));
            MemoryHostShard fresh = cluster.memoryShard(restarted, index, shard);
            assertEquals(110, fresh.count());
            assertEquals(cluster.memoryShard(leader, index, shard).checksum(), fresh.checksum());
            assertTrue(fresh.appliedEntries() <= 10,
                    "replayed " + fresh.appliedEntries() + " entries; only the 10 after the snapshot were due");
        }
    }
}

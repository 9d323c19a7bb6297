package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotMetaTable;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Groups snapshot by themselves when the entries or the bytes applied since their last snapshot cross the
 * configured limit (the age trigger is JRaft's timer), and every snapshot file carries a checksum in the
 * snapshot meta (what lets a follower skip a file it already holds).
 */
class SnapshotTriggersClusterTest {
    @TempDir
    Path dir;

    @Test
    void theEntriesTriggerSnapshotsEveryReplica() throws Exception {
        RaftSettings settings = InProcessCluster.testSettings().toBuilder().snapshotEntries(20).snapshotsKept(3).build();
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, settings, (i, s, d) -> new MemoryHostShard())) {
            cluster.startAll();
            cluster.createIndex("entries", 1);
            String leader = cluster.awaitLeader("entries", shardName(0), Duration.ofSeconds(20));
            Router router = cluster.registry(leader).router("entries");
            for (int i = 0; i < 110; i++) {
                put(router, object("{\"i\":" + i + "}"));
            }
            for (String n : cluster.nodeIds()) {
                Path snapshots = cluster.registry(n).dataPath("entries", shardName(0)).resolve("raft").resolve("snapshot");
                SnapshotHistory history = new SnapshotHistory(snapshots.getParent(), 3);
                // JRaft keeps its latest snapshot; the history keeps the last three (the latest among them)
                InProcessCluster.awaitTrue(() -> latestSnapshotIndex(snapshots) >= 80 && keptNames(history).size() == 3
                        && keptNames(history).get(2).equals("snapshot_" + latestSnapshotIndex(snapshots)),
                        Duration.ofSeconds(30), () -> n + ": latest snapshot " + latestSnapshotIndex(snapshots)
                                + ", kept " + keptNames(history));
                assertFileChecksums(snapshots);
                List<Path> kept = history.kept();
                assertTrue(Files.exists(kept.get(0).resolve("host")), "an older snapshot's host files are kept");
            }
        }
    }

    @Test
    void theBytesTriggerSnapshotsBeforeTheEntriesLimit() throws Exception {
        RaftSettings settings = InProcessCluster.testSettings().toBuilder()
                .snapshotEntries(1_000_000).snapshotBytes(64 * 1024).build();
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, settings, (i, s, d) -> new MemoryHostShard())) {
            cluster.startAll();
            cluster.createIndex("bytes", 1);
            String leader = cluster.awaitLeader("bytes", shardName(0), Duration.ofSeconds(20));
            Path snapshots = cluster.registry(leader).dataPath("bytes", shardName(0)).resolve("raft").resolve("snapshot");
            Router router = cluster.registry(leader).router("bytes");
            String big = "{\"pad\":\"" + "x".repeat(16 * 1024) + "\"}";
            for (int i = 0; i < 3; i++) {
                put(router, object(big));
            }
            Thread.sleep(300);
            assertFalse(latestSnapshotIndex(snapshots) > 0, "48 KiB applied: under the 64 KiB limit, no snapshot");
            for (int i = 0; i < 3; i++) {
                put(router, object(big));
            }
            InProcessCluster.awaitTrue(() -> latestSnapshotIndex(snapshots) > 0, Duration.ofSeconds(30),
                    () -> "no snapshot after 96 KiB of commands");
        }
    }

    @Test
    void theLimitsGrowWithTheStateSoAGrowingShardIsNotRewrittenEveryFewWrites() throws Exception {
        RaftSettings settings = InProcessCluster.testSettings().toBuilder()
                .snapshotEntries(1_000_000).snapshotBytes(32 * 1024).snapshotsKept(30).build();
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, settings, (i, s, d) -> new MemoryHostShard())) {
            cluster.startAll();
            cluster.createIndex("growing", 1);
            String leader = cluster.awaitLeader("growing", shardName(0), Duration.ofSeconds(20));
            Path snapshots = cluster.registry(leader).dataPath("growing", shardName(0)).resolve("raft").resolve("snapshot");
            SnapshotHistory history = new SnapshotHistory(snapshots.getParent(), 30);
            Router router = cluster.registry(leader).router("growing");
            String big = "{\"pad\":\"" + "x".repeat(16 * 1024) + "\"}";
            for (int i = 0; i < 32; i++) {
                put(router, object(big)); // answered once applied on the leader, where the trigger counts
            }
            Thread.sleep(500); // a snapshot the last write asked for
            // 512 KiB applied in 16 KiB writes against a 32 KiB limit: a fixed limit snapshots about every second
            // write (~16 times); grown with the state, each snapshot comes once as much again as the last one
            // held was applied: at about 2, 4, 8, 16 and 32 objects
            int taken = keptNames(history).size();
            assertTrue(taken >= 3 && taken <= 6, "snapshots taken for 32 writes: " + taken + " " + keptNames(history));
        }
    }

    /** A write; re-sent when leadership moved under it (this test counts entries, not objects). */
    private static void put(Router router, ObjectData o) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                router.putObject(shardName(0), o).get(20, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                boolean unknown = io.shardraft.cluster.error.ReplicationException.find(e)
                        .map(r -> r.reason() == io.shardraft.cluster.error.ReplicationException.Reason.UNAVAILABLE)
                        .orElse(false);
                if (!unknown || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static List<String> keptNames(SnapshotHistory history) {
        try {
            return history.kept().stream().map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static ObjectData object(String json) {
        return ObjectData.newBuilder().setId(UUID.randomUUID().toString()).setPropertiesJson(json).build();
    }

    private static void assertFileChecksums(Path snapshots) throws Exception {
        Path latest = snapshots.resolve(String.format("snapshot_%d", latestSnapshotIndex(snapshots)));
        LocalSnapshotMetaTable table = new LocalSnapshotMetaTable(new RaftOptions());
        assertTrue(table.loadFromFile(latest.resolve("__raft_snapshot_meta").toString()), "meta of " + latest);
        assertFalse(table.listFiles().isEmpty(), "snapshot " + latest + " lists its files");
        for (String f : table.listFiles()) {
            LocalFileMeta meta = table.getFileMeta(f);
            assertTrue(meta.hasChecksum() && !meta.getChecksum().isEmpty(), f + " has no checksum in " + latest);
            assertTrue(meta.getChecksum().equals(FileChecksum.of(latest.resolve(f))), f + ": checksum matches its content");
        }
    }

    static long latestSnapshotIndex(Path snapshots) {
        if (!Files.isDirectory(snapshots)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(snapshots)) {
            Optional<Long> max = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("snapshot_\\d+"))
                    .map(n -> Long.parseLong(n.substring("snapshot_".length()))).max(Long::compare);
            return max.orElse(0L);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}

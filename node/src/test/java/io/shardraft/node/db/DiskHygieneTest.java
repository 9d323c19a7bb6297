package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.data.ShardStats;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import java.io.IOException;
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
 * Disk use under a steady write load stays bounded by the snapshots (one snapshot kept, the log truncated
 * behind it), and dropped shards and indexes leave no file behind.
 */
class DiskHygieneTest {
    static final int SNAPSHOT_ENTRIES = 20;
    static final int LIVE_OBJECTS = 50;

    @TempDir
    Path dir;

    @Test
    void steadyOverwritesOverManySnapshotCyclesKeepSnapshotsAndTheLogBounded() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3, InProcessCluster.testSettings().toBuilder()
                .snapshotEntries(SNAPSHOT_ENTRIES).build())) {
            IndexDefinition def = IndexDefinition.replicated("steady", 1, 3, 2, Distance.L2);
            cluster.createIndex(def);
            String shard = def.shardName(0);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < LIVE_OBJECTS; i++) {
                ids.add(UUID.randomUUID().toString());
            }
            String pad = "x".repeat(1000);
            long maxSnapshotDir = 0;
            long firstSnapshotFile = 0;
            int cycles = 15;
            for (int round = 0; round < cycles * SNAPSHOT_ENTRIES / 5; round++) {
                // 5 entries of 2 overwrites each: the live data stays 50 objects however long this runs
                List<PutObject> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String id = ids.get((round * 10 + i) % LIVE_OBJECTS);
                    batch.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id)
                            .setPropertiesJson("{\"r\":" + round + ",\"pad\":\"" + pad + "\"}")).build());
                }
                for (int i = 0; i < 5; i++) {
                    cluster.index("node1", "steady").putBatch(batch.subList(i * 2, i * 2 + 2)).get(30, TimeUnit.SECONDS);
                }
                for (String n : cluster.nodeIds()) {
                    Path snapshots = cluster.node(n).database().shardPath("steady", shard).resolve("raft").resolve("snapshot");
                    maxSnapshotDir = Math.max(maxSnapshotDir, bytes(snapshots));
                    if (firstSnapshotFile == 0) {
                        firstSnapshotFile = snapshotFileBytes(snapshots);
                    }
                }
            }
            cluster.awaitConverged("steady", Duration.ofSeconds(30));
            for (String n : cluster.nodeIds()) {
                Path snapshots = cluster.node(n).database().shardPath("steady", shard).resolve("raft").resolve("snapshot");
                ShardStats stats = cluster.node(n).registry().getStore("steady", shard).orElseThrow().stats();
                InProcessCluster.awaitTrue(() -> latestSnapshot(snapshots) >= stats.lastLogIndex() - 2L * SNAPSHOT_ENTRIES,
                        Duration.ofSeconds(30), () -> n + ": the latest snapshot " + latestSnapshot(snapshots)
                                + " trails the log end " + stats.lastLogIndex() + " by more than two snapshot intervals");
                assertTrue(latestSnapshot(snapshots) >= (cycles - 2L) * SNAPSHOT_ENTRIES,
                        n + " snapshotted over many cycles (latest at " + latestSnapshot(snapshots) + ")");
                // a snapshot asked for by the last writes may still be in progress (temp written, the previous one
                // removed just after the new one is in place): once it is done, one snapshot and no half-written one
                InProcessCluster.awaitTrue(() -> snapshotsKept(snapshots) == 1 && !halfWritten(snapshots),
                        Duration.ofSeconds(10), () -> n + " keeps only its latest snapshot and no half-written one, not "
                                + snapshotsKept(snapshots) + (halfWritten(snapshots) ? " and a non-empty temp" : ""));
            }
            // one snapshot of 50 live objects, plus one being written: bounded by the live data, not by the
            // 600 overwrites (about 0.6 MB of commands) that went through
            long live = LIVE_OBJECTS * (pad.length() + 200L);
            assertTrue(firstSnapshotFile > 0 && firstSnapshotFile <= live, "snapshot file of " + firstSnapshotFile + " bytes");
            assertTrue(maxSnapshotDir <= 3 * live, "snapshot directory peaked at " + maxSnapshotDir + " bytes (bound "
                    + 3 * live + ")");
            System.out.printf("steady writes: snapshot dir peaked at %,d bytes; raft log dir of node1 now %,d bytes%n",
                    maxSnapshotDir, bytes(cluster.node("node1").database().shardPath("steady", shard)
                            .resolve("raft").resolve("log")));
        }
    }

    @Test
    void droppedShardsAndIndexesLeaveNoFiles() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3, InProcessCluster.testSettings().toBuilder()
                .snapshotEntries(5).build())) {
            IndexDefinition def = IndexDefinition.replicated("gone", 2, 3, 2, Distance.L2);
            cluster.createIndex(def);
            List<PutObject> puts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                puts.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                        .setPropertiesJson("{\"i\":" + i + "}")).build());
            }
            for (int i = 0; i < 8; i++) {
                cluster.index("node1", "gone").putBatch(puts.subList(i * 5, i * 5 + 5)).get(30, TimeUnit.SECONDS);
            }
            cluster.awaitConverged("gone", Duration.ofSeconds(30));
            Path shardDir = cluster.node("node3").database().shardPath("gone", def.shardName(0));
            assertTrue(bytes(shardDir.resolve("raft").resolve("snapshot")) > 0, "snapshots were written");

            assertTrue(cluster.node("node3").database().dropShard("gone", def.shardName(0)));
            assertFalse(Files.exists(shardDir), "files of the dropped shard: " + listing(shardDir));

            Path indexDir = cluster.dataDir("node2").resolve("gone");
            cluster.dropIndex("gone");
            for (String n : cluster.nodeIds()) {
                Path d = cluster.dataDir(n).resolve("gone");
                assertFalse(Files.exists(d), "files of the dropped index on " + n + ": " + listing(d));
            }
            assertFalse(Files.exists(indexDir));
        }
    }

    private static String listing(Path d) throws IOException {
        if (!Files.exists(d)) {
            return "none";
        }
        try (Stream<Path> s = Files.walk(d)) {
            return s.map(Path::toString).toList().toString();
        }
    }

    private static long bytes(Path d) throws IOException {
        if (!Files.exists(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static long snapshotFileBytes(Path snapshots) throws IOException {
        if (!Files.exists(snapshots)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(snapshots)) {
            return s.filter(p -> p.getFileName().toString().equals("objects.snap")).mapToLong(p -> p.toFile().length())
                    .max().orElse(0);
        }
    }

    private static long latestSnapshot(Path snapshots) {
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("snapshot_\\d+"))
                    .mapToLong(n -> Long.parseLong(n.substring("snapshot_".length()))).max().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean halfWritten(Path snapshots) {
        try {
            return Files.exists(snapshots.resolve("temp")) && bytes(snapshots.resolve("temp")) > 0;
        } catch (IOException e) {
            return true; // the temp directory changed while it was measured: still being written
        }
    }

    private static long snapshotsKept(Path snapshots) {
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.filter(p -> p.getFileName().toString().startsWith("snapshot_")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.data.ShardStats;
import io.shardraft.cluster.data.ShardStore;
import io.shardraft.cluster.log.SharedLogStore;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import io.shardraft.testkit.LiveFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
            System.out.printf("steady writes: snapshot dir peaked at %,d bytes; shared Raft log store of node1 now %,d bytes%n",
                    maxSnapshotDir, bytes(cluster.node("node1").registry().sharedLogStore().orElseThrow().dir()));
        }
    }

    /**
     * The Raft log itself under steady writes: in the node's shared RocksDB the group keeps only the entries
     * since its last-but-one snapshot (JRaft truncates up to the previous snapshot when it takes one), and
     * the store's files (WAL and SSTs) stay bounded by its memtable size while many times that is written.
     */
    @Test
    void theSharedRaftLogStaysBoundedUnderSteadyWrites() throws Exception {
        long memtable = 256L << 10;
        try (NodeCluster cluster = new NodeCluster(dir, 1, InProcessCluster.testSettings().toBuilder()
                .snapshotEntries(SNAPSHOT_ENTRIES).logStoreMemtableBytes(memtable).build())) {
            IndexDefinition def = IndexDefinition.replicated("steadylog", 1, 1, 2, Distance.L2);
            cluster.createIndex(def);
            ShardStore store = cluster.node("node1").registry().getStore("steadylog", def.shardName(0)).orElseThrow();
            SharedLogStore log = cluster.node("node1").registry().sharedLogStore().orElseThrow();
            String group = store.config().groupId();
            Path logDir = log.dir();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < LIVE_OBJECTS; i++) {
                ids.add(UUID.randomUUID().toString());
            }
            String pad = "y".repeat(16 * 1024);
            int entries = 1_600;
            int window = 8;
            long written = 0;
            long peakKeys = 0;
            long peakDir = 0;
            for (int w = 0; w < entries / window; w++) {
                List<CompletableFuture<?>> inFlight = new ArrayList<>();
                for (int i = 0; i < window; i++) {
                    int n = w * window + i;
                    PutObject put = PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(ids.get(n % LIVE_OBJECTS))
                            .setPropertiesJson("{\"n\":" + n + ",\"pad\":\"" + pad + "\"}")).build();
                    written += put.getSerializedSize();
                    inFlight.add(cluster.index("node1", "steadylog").putBatch(List.of(put)));
                }
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                if (w >= 10) {
                    // past the first snapshot cycles: every sample is the steady state
                    peakKeys = Math.max(peakKeys, log.keyCount(group));
                    peakDir = Math.max(peakDir, bytes(logDir));
                }
            }
            long lastLog = store.stats().lastLogIndex();
            // entries since the last-but-one snapshot, those arriving while the next one is saved (writes go on
            // meanwhile), the window in flight, and the group's conf entry, first-index record and Raft meta
            long keyBound = 5L * SNAPSHOT_ENTRIES + window + 8;
            // four memtables of WAL (the store's bound), one more being filled, and the SSTs of the live log
            long dirBound = 4 * memtable + memtable + keyBound * (pad.length() + 1024) + (1L << 20);
            System.out.printf("shared Raft log: %,d bytes of commands in %,d entries (log end %,d); peak %,d keys"
                    + " of the group, store directory peaked at %,d bytes (bound %,d), now %,d%n",
                    written, entries, lastLog, peakKeys, peakDir, dirBound, bytes(logDir));
            assertTrue(lastLog >= entries, "every write went through the log (end " + lastLog + ")");
            assertTrue(peakKeys <= keyBound, "the group kept up to " + peakKeys + " keys (bound " + keyBound + ")");
            assertTrue(written > 4 * dirBound, "wrote " + written + " bytes: many times the bound");
            assertTrue(peakDir <= dirBound, "the shared log store peaked at " + peakDir + " bytes on disk (bound "
                    + dirBound + ") after " + written + " bytes of commands");
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

    private static long bytes(Path d) {
        return LiveFiles.bytes(d);
    }

    private static long snapshotFileBytes(Path snapshots) {
        return LiveFiles.largest(snapshots, p -> p.getFileName().toString().equals("objects.snap"));
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
        return bytes(snapshots.resolve("temp")) > 0;
    }

    private static long snapshotsKept(Path snapshots) {
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.filter(p -> p.getFileName().toString().startsWith("snapshot_")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

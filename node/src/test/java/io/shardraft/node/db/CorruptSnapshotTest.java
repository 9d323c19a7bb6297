package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.data.Directories;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that must load its snapshot (its MapDB state is gone or corrupt) and finds the snapshot file
 * corrupted never runs on partial state: with peers it sets the snapshot aside and is restored from them
 * (install snapshot); as the only copy it refuses to start its group, with an error naming the file.
 */
class CorruptSnapshotTest {
    @TempDir
    Path dir;

    @Test
    void aReplicaWhoseSnapshotAndHostStateAreBothBadIsRestoredFromItsPeers() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3)) {
            IndexDefinition def = IndexDefinition.replicated("snapbad", 1, 3, 2, Distance.L2);
            cluster.createIndex(def);
            String shard = def.shardName(0);
            List<String> ids = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                cluster.index("node1", "snapbad").putBatch(puts(20, ids)).get(30, TimeUnit.SECONDS);
                cluster.awaitConverged("snapbad", Duration.ofSeconds(30));
                // two snapshots everywhere: the logs are truncated, so the peers can only help with a snapshot
                for (String n : cluster.running()) {
                    cluster.node(n).registry().getStore("snapbad", shard).orElseThrow().snapshot().get(30, TimeUnit.SECONDS);
                }
            }
            String expected = cluster.index("node1", "snapbad").checksums().get(30, TimeUnit.SECONDS).get(shard);
            Path shardDir = cluster.node("node3").database().shardPath("snapbad", shard);
            cluster.stop("node3");

            flipAByteIn(snapshotFile(shardDir));
            Path objects = shardDir.resolve("host").resolve("objects.db");
            byte[] garbage = new byte[(int) Math.min(Files.size(objects), 64 * 1024)];
            Arrays.fill(garbage, (byte) 0x5a);
            Files.write(objects, garbage);

            cluster.start("node3");
            cluster.awaitConverged("snapbad", Duration.ofSeconds(60));
            InProcessCluster.awaitTrue(() -> expected.equals(cluster.index("node3", "snapbad").checksums().join().get(shard)),
                    Duration.ofSeconds(30), () -> "the restored replica differs");
            for (String id : ids) {
                assertTrue(cluster.index("node3", "snapbad").get(id, ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS)
                        .isPresent(), id);
            }
            assertEquals(1, siblings(shardDir.resolve("host"), "host.corrupt-"), "the corrupt MapDB state is kept aside");
            assertEquals(1, siblings(shardDir.resolve("raft").resolve("snapshot"), "snapshot.corrupt-"),
                    "the unloadable snapshot is kept aside");
            assertTrue(snapshotFile(shardDir).toFile().length() > 0, "the leader installed its snapshot");
            // and the replica serves again as a full member: a write reaches it
            cluster.index("node1", "snapbad").putBatch(puts(1, ids)).get(30, TimeUnit.SECONDS);
            cluster.awaitConverged("snapbad", Duration.ofSeconds(30));
            assertEquals(41L, cluster.index("node3", "snapbad").count(ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void theOnlyCopyWithACorruptedSnapshotStopsTheGroupWithTheFileNamed() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 1)) {
            IndexDefinition def = IndexDefinition.replicated("snapbad", 1, 1, 2, Distance.L2);
            cluster.createIndex(def);
            String shard = def.shardName(0);
            cluster.index("node1", "snapbad").putBatch(puts(40, new ArrayList<>())).get(30, TimeUnit.SECONDS);
            Path shardDir = cluster.node("node1").database().shardPath("snapbad", shard);
            cluster.node("node1").registry().getStore("snapbad", shard).orElseThrow().snapshot().get(30, TimeUnit.SECONDS);
            cluster.stop("node1");

            Path snap = snapshotFile(shardDir);
            flipAByteIn(snap);
            Directories.deleteRecursively(shardDir.resolve("host")); // its MapDB state is lost: it needs the snapshot

            RuntimeException refused = assertThrows(RuntimeException.class, () -> cluster.start("node1"));
            String message = messages(refused);
            assertTrue(message.contains(snap.toString()), "the error names the snapshot file: " + message);
            assertFalse(cluster.node("node1").registry().getStore("snapbad", shard).isPresent(),
                    "no group runs on the partial state");
            assertTrue(Files.exists(snap), "the only copy's snapshot is left where it is");
        }
    }

    private static List<PutObject> puts(int n, List<String> ids) {
        List<PutObject> puts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            puts.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id)
                    .setPropertiesJson("{\"i\":" + i + "}")).build());
        }
        return puts;
    }

    private static Path snapshotFile(Path shardDir) throws Exception {
        try (Stream<Path> s = Files.walk(shardDir.resolve("raft").resolve("snapshot"))) {
            // the saved snapshot, not one a trigger may have begun in temp/ (JRaft deletes that at start)
            return s.filter(p -> p.getFileName().toString().equals("objects.snap"))
                    .filter(p -> p.getParent().getParent().getFileName().toString().startsWith("snapshot_"))
                    .findFirst().orElseThrow();
        }
    }

    private static void flipAByteIn(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long pos = ch.size() / 2;
            ch.read(b, pos);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, pos);
        }
    }

    private static long siblings(Path p, String prefix) throws Exception {
        try (Stream<Path> s = Files.list(p.getParent())) {
            return s.filter(q -> q.getFileName().toString().startsWith(prefix)).count();
        }
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}

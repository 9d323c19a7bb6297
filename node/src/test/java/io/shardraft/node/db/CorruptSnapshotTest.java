package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.data.Directories;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that must load its snapshot (its MapDB state is gone) and finds the snapshot file corrupted
 * refuses to start its group, with an error naming the file, rather than run on partial state; the other
 * replicas keep serving.
 */
class CorruptSnapshotTest {
    @TempDir
    Path dir;

    @Test
    void aCorruptedSnapshotStopsTheGroupWithTheFileNamed() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3)) {
            IndexDefinition def = IndexDefinition.replicated("snapbad", 1, 3, 2, Distance.L2);
            cluster.createIndex(def);
            String shard = def.shardName(0);
            List<PutObject> puts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                puts.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                        .setPropertiesJson("{\"i\":" + i + "}")).build());
            }
            cluster.index("node1", "snapbad").putBatch(puts).get(30, TimeUnit.SECONDS);
            cluster.awaitConverged("snapbad", Duration.ofSeconds(30));
            Path shardDir = cluster.node("node3").database().shardPath("snapbad", shard);
            cluster.node("node3").registry().getStore("snapbad", shard).orElseThrow().snapshot().get(30, TimeUnit.SECONDS);
            cluster.stop("node3");

            Path snap;
            try (Stream<Path> s = Files.walk(shardDir.resolve("raft").resolve("snapshot"))) {
                snap = s.filter(p -> p.getFileName().toString().equals("objects.snap")).findFirst().orElseThrow();
            }
            try (FileChannel ch = FileChannel.open(snap, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                long pos = ch.size() / 2;
                ch.read(b, pos);
                b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
                ch.write(b, pos);
            }
            Directories.deleteRecursively(shardDir.resolve("host")); // its MapDB state is lost: it needs the snapshot

            RuntimeException refused = assertThrows(RuntimeException.class, () -> cluster.start("node3"));
            String message = messages(refused);
            assertTrue(message.contains(snap.toString()), "the error names the snapshot file: " + message);
            assertFalse(cluster.node("node3").registry().getStore("snapbad", shard).isPresent(),
                    "no group runs on the partial state");
            // the quorum still serves
            assertEquals(40L, cluster.index("node1", "snapbad").count(ReadConsistency.STRONG).get(30, TimeUnit.SECONDS));
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

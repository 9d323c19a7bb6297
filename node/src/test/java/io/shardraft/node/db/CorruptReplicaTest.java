package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.FileDamage;
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

/** A replica whose MapDB file is corrupted while its node is down is set aside and restored, never served. */
class CorruptReplicaTest {
    @TempDir
    Path dir;

    private static final String MARKER = "marker-" + UUID.randomUUID();

    /** Damage MapDB notices at open: the file's start overwritten. */
    @Test
    void aCorruptedShardFileIsDetectedAtStartAndTheReplicaIsRestored() throws Exception {
        damageRestartAndRestore(file -> {
            byte[] garbage = new byte[(int) Math.min(Files.size(file), 64 * 1024)];
            java.util.Arrays.fill(garbage, (byte) 0x5a);
            Files.write(file, garbage);
        });
    }

    /** Damage MapDB does not notice: one bit inside a stored record, found by the per-record checksums. */
    @Test
    void aDamagedRecordIsDetectedAtStartAndTheReplicaIsRestored() throws Exception {
        damageRestartAndRestore(file -> assertTrue(FileDamage.flipInside(file, MARKER) > 0, "record found in " + file));
    }

    interface Damage {
        void apply(Path file) throws Exception;
    }

    private void damageRestartAndRestore(Damage damage) throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3)) {
            IndexDefinition def = IndexDefinition.replicated("fragile", 1, 3, 2, Distance.L2);
            cluster.createIndex(def);
            String shard = def.shardName(0);
            List<String> ids = new ArrayList<>();
            List<PutObject> puts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                puts.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id)
                        .setPropertiesJson(i == 0 ? "{\"m\":\"" + MARKER + "\"}" : "{\"i\":" + i + "}").setVector(Vector.newBuilder().addValues(i).addValues(1)))
                        .build());
            }
            cluster.index("node1", "fragile").putBatch(puts).get(30, TimeUnit.SECONDS);
            cluster.awaitConverged("fragile", Duration.ofSeconds(30));
            String expected = cluster.index("node1", "fragile").checksums().get(30, TimeUnit.SECONDS).get(shard);

            Path hostDir = cluster.node("node2").database().shardPath("fragile", shard).resolve("host");
            cluster.stop("node2");
            damage.apply(hostDir.resolve("objects.db"));

            cluster.start("node2");
            cluster.awaitConverged("fragile", Duration.ofSeconds(30));
            InProcessCluster.awaitTrue(() -> expected.equals(cluster.index("node2", "fragile").checksums().join()
                    .get(shard)), Duration.ofSeconds(30), () -> "the restored replica differs");
            for (String id : ids) {
                assertTrue(cluster.index("node2", "fragile").get(id, ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS)
                        .isPresent());
            }
            try (Stream<Path> siblings = Files.list(hostDir.getParent())) {
                assertEquals(1, siblings.filter(p -> p.getFileName().toString().startsWith("host.corrupt-")).count(),
                        "the unreadable file is kept aside for inspection");
            }
        }
    }
}

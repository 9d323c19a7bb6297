package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import io.shardraft.testkit.LiveFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * raft.snapshot-throttle-bytes-per-s is a budget per node: several groups of one node installing
 * snapshots at the same time share it (a throttle per group would let N groups use N budgets).
 */
class NodeSnapshotThrottleTest {
    static final long BUDGET = 1L << 20;
    static final int SHARDS = 3;
    /** About 1.6 MiB of objects per shard: 1.6 s of the budget per group, about 5 s for the three together. */
    static final int OBJECTS = 600;
    static final int PAD = 8 * 1024;

    @TempDir
    Path dir;

    @Test
    void groupsInstallingSnapshotsAtOnceShareTheNodesBudget() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3, InProcessCluster.testSettings().toBuilder()
                .snapshotThrottleBytesPerSecond(BUDGET).build())) {
            IndexDefinition def = IndexDefinition.replicated("throttled", SHARDS, 3, 2, Distance.L2);
            cluster.createIndex(def);
            String lagging = "node3";
            cluster.stop(lagging);
            String writer = "node1";
            Random random = new Random(7);
            for (int b = 0; b < OBJECTS / 50; b++) {
                List<PutObject> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                            .setPropertiesJson("{\"pad\":\"" + pad(random) + "\"}")).build());
                }
                cluster.index(writer, "throttled").putBatch(batch).get(30, TimeUnit.SECONDS);
                if (b == OBJECTS / 50 - 2) {
                    snapshotAll(cluster, def);
                }
            }
            // the second snapshot truncates each log past the lagging replica's position
            snapshotAll(cluster, def);

            long started = System.nanoTime();
            cluster.start(lagging);
            cluster.awaitConverged("throttled", Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - started) / 1e9;
            long installed = 0;
            for (int s = 0; s < SHARDS; s++) {
                long bytes = snapshotBytes(cluster.node(lagging).database().shardPath("throttled", def.shardName(s))
                        .resolve("raft").resolve("snapshot"));
                assertTrue(bytes > 1L << 20, def.shardName(s) + " was installed from a snapshot of " + bytes + " bytes");
                installed += bytes;
            }
            double rate = installed / seconds;
            System.out.printf("%d groups installed %,d snapshot bytes in %.2f s: %,.0f bytes/s (node budget %,d)%n",
                    SHARDS, installed, seconds, rate, BUDGET);
            // Three per-group throttles would allow about three budgets at once; one per node holds the
            // groups together to one (its first 100 ms cycle may burst, hence the margin).
            assertTrue(rate < 1.5 * BUDGET, "the groups together installed at " + (long) rate
                    + " bytes/s, over the node's budget of " + BUDGET);

            Map<String, String> expected = cluster.index(writer, "throttled").checksums().get(30, TimeUnit.SECONDS);
            InProcessCluster.awaitTrue(() -> expected.equals(cluster.index(lagging, "throttled").checksums().join()),
                    Duration.ofSeconds(30), () -> "checksums of the caught-up replica differ");
            assertEquals(SHARDS, expected.size());
        }
    }

    private static void snapshotAll(NodeCluster cluster, IndexDefinition def) throws Exception {
        cluster.awaitConverged(def.name(), Duration.ofSeconds(30));
        for (String n : cluster.running()) {
            for (int s = 0; s < def.shards(); s++) {
                cluster.node(n).registry().getStore(def.name(), def.shardName(s)).orElseThrow().snapshot()
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String pad(Random random) {
        StringBuilder sb = new StringBuilder(PAD);
        for (int i = 0; i < PAD; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    /** Bytes of the replica's snapshots (the files under JRaft's snapshot_N directories). */
    private static long snapshotBytes(Path snapshots) {
        return LiveFiles.bytes(snapshots, p -> snapshots.relativize(p).getName(0).toString().startsWith("snapshot_"));
    }
}

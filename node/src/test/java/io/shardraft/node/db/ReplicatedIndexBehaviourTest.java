package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The same behaviour suite on a replicated index (3 shards × 3 replicas on three in-process nodes). */
class ReplicatedIndexBehaviourTest extends IndexBehaviourSuite {
    @TempDir
    Path dir;
    NodeCluster cluster;

    @BeforeEach
    void start() {
        cluster = new NodeCluster(dir, 3);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Override
    protected List<ObjectIndex> open(String name, Distance distance) {
        cluster.createIndex(IndexDefinition.replicated(name, SHARDS, 3, DIMS, distance));
        return cluster.nodeIds().stream().map(n -> cluster.index(n, name)).toList();
    }

    @Override
    protected void assertReplicasAgree(String index) {
        cluster.awaitConverged(index, Duration.ofSeconds(30));
        try {
            Map<String, String> reference = cluster.index("node1", index).checksums().get(30, TimeUnit.SECONDS);
            assertEquals(SHARDS, reference.size());
            for (String n : cluster.nodeIds()) {
                assertEquals(reference, cluster.index(n, index).checksums().get(30, TimeUnit.SECONDS), "checksums on " + n);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

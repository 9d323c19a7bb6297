package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardraft.api.v1.ListIndexesRequest;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few seconds of {@code bench scale} against three in-process nodes; no figure is asserted. */
class ScaleSmokeTest {
    @TempDir
    Path dir;

    @Test
    void theScaleCommandCreatesMeasuresAndDropsItsIndexes() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3)) {
            for (String n : cluster.nodeIds()) {
                InProcessCluster.awaitTrue(() -> cluster.node(n).isReady(), Duration.ofSeconds(30), () -> n + " not ready");
            }
            var a = cluster.node("node1").config().self();
            String seed = new Address(a.host(), a.grpcPort()).toString();
            BenchRun r = BenchRun.of("bench", "scale", "--node", seed, "--indexes", "3", "--shards", "2",
                    "--idle", "1", "--settle", "1", "--write-seconds", "1", "--clients", "2", "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertEquals(3, json.get("indexes").asInt());
            assertEquals(6, json.get("groups_per_node").asInt());
            assertEquals(3, json.get("nodes").size());
            for (JsonNode n : json.get("nodes")) {
                // in-process nodes: no process of their own to read CPU from, so "unknown", but both windows reported
                assertTrue(n.has("idle_cpu_cores") && n.has("settled_idle_cpu_cores"), n.toString());
            }
            assertTrue(json.get("single_index_puts_per_sec").asDouble() > 0);
            assertTrue(json.get("spread_puts_per_sec").asDouble() > 0);
            assertEquals(0, json.get("write_errors").asLong());
            try (ClusterConnection c = ClusterConnection.open(List.of(Address.parse(seed)), Duration.ofSeconds(20))) {
                assertTrue(c.indexes("node1").listIndexes(ListIndexesRequest.getDefaultInstance()).getIndexesList()
                        .stream().noneMatch(i -> i.getSpec().getName().startsWith("scale-")), "indexes dropped");
            }

            BenchRun bad = BenchRun.of("bench", "scale", "--node", seed, "--indexes", "0");
            assertEquals(2, bad.exitCode());
            assertTrue(bad.err().contains("--indexes must be in 1..10000"), bad.err());
            BenchRun badSettle = BenchRun.of("bench", "scale", "--node", seed, "--settle", "-1");
            assertEquals(2, badSettle.exitCode());
            assertTrue(badSettle.err().contains("--settle must be in 0..3600 s"), badSettle.err());
        }
    }
}

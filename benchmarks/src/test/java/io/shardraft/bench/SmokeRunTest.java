package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardraft.api.v1.ListIndexesRequest;
import io.shardraft.bench.BenchConfig.Target;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A short, request-bounded run of each workload against three in-process nodes; no figure is asserted. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmokeRunTest {

    @TempDir
    static Path dir;
    NodeCluster cluster;
    ClusterConnection connection;

    @BeforeAll
    void start() {
        cluster = new NodeCluster(dir, 3);
        for (String n : cluster.nodeIds()) {
            InProcessCluster.awaitTrue(() -> cluster.node(n).isReady(), Duration.ofSeconds(30), () -> n + " not ready");
        }
        connection = ClusterConnection.open(List.of(seed()), Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (connection != null) {
            connection.close();
        }
        cluster.close();
    }

    Address seed() {
        var a = cluster.node("node2").config().self();
        return new Address(a.host(), a.grpcPort());
    }

    static BenchConfig config(Workload w, Target target, List<Integer> clients) {
        return new BenchConfig(w, clients, Duration.ofSeconds(20), 40, Duration.ofMillis(200), 20,
                new Payload(128, 8, 7), target, 3, 3, 100, "smoke-" + w.cliName() + "-" + target.cliName(), false,
                Duration.ofSeconds(20), true);
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void eachWorkloadRunsWithoutErrors(Workload w) throws Exception {
        for (Target target : Target.values()) {
            BenchConfig config = config(w, target, List.of(1, 4));
            List<RunStats> results;
            try (LoadGenerator g = new LoadGenerator(connection, config, Progress.NONE, s -> { })) {
                g.prepare();
                assertEquals(3, g.leaders().size());
                results = g.runAll();
            }
            assertEquals(2, results.size());
            for (RunStats r : results) {
                assertEquals(w.cliName(), r.workload());
                assertEquals(Map0.of(), r.errors(), w + " " + target + " " + r.clients() + " clients");
                assertEquals(40, r.requests(), w + " " + target);
                assertEquals(w == Workload.IMPORT ? 40 * 20 : 40, r.items());
                assertTrue(r.opsPerSec() > 0);
            }
        }
        assertTrue(connection.indexes("node1").listIndexes(ListIndexesRequest.getDefaultInstance()).getIndexesList()
                .stream().noneMatch(i -> i.getSpec().getName().startsWith("smoke-" + w.cliName())), "indexes dropped");
    }

    @Test
    void theCommandPrintsJsonAndWritesCsvAndPlot() throws Exception {
        Path csv = dir.resolve("r.csv");
        Path png = dir.resolve("r.png");
        BenchRun r = BenchRun.of("bench", "run", "--node", seed().toString(), "--workload", "put", "--clients", "1,2",
                "--ops", "30", "--warmup", "0.2", "--dims", "4", "--target", "spread", "--json", "--csv", csv.toString(),
                "--plot", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(2, json.size());
        assertEquals("put", json.get(0).get("workload").asText());
        assertEquals(2, json.get(1).get("clients").asInt());
        assertEquals(0, json.get(1).get("errors").asLong());
        assertEquals(3, Files.readAllLines(csv).size());
        assertTrue(Files.size(png) > 0);

        BenchRun single = BenchRun.of("bench", "run", "--node", seed().toString(), "--workload", "put", "--clients", "4",
                "--ops", "30", "--warmup", "0", "--dims", "4", "--no-coalesce", "--json");
        assertEquals(0, single.exitCode(), single.err());
        assertEquals(0, new ObjectMapper().readTree(single.out()).get(0).get("errors").asLong(), single.out());

        BenchRun table = BenchRun.of("bench", "run", "--node", seed().toString(), "--workload", "get-strong",
                "--ops", "20", "--warmup", "0", "--keys", "50");
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().startsWith("workload"), table.out());
        assertTrue(table.out().contains("get-strong"), table.out());
    }

    /** Map.of() typed for assertEquals against Map<String, Long>. */
    static final class Map0 {
        static java.util.Map<String, Long> of() {
            return java.util.Map.of();
        }
    }
}

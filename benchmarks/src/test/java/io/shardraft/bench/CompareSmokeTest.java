package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short {@code bench compare} of all three systems (a fresh three-node shardraft cluster of node processes,
 * three etcd members, three RheaKV node JVMs) with two clients: a single put, a batch and a linearizable read
 * (merge and get-eventual are left out to keep the default build short: each shardraft workload creates an index);
 * no figure is asserted. Needs etcd: without it the command, and so this test, fails saying how to install it
 * (scripts/ensure-etcd, which scripts/test-all runs).
 */
class CompareSmokeTest {

    static final List<String> WORKLOADS = List.of("put", "import", "get-strong");

    @TempDir
    Path dir;

    @Test
    void allThreeSystemsRunEveryWorkloadAndTheResultFilesAreWritten() throws Exception {
        Path results = dir.resolve("results");
        Path md = dir.resolve("RESULTS.md");
        BenchRun r = BenchRun.of("bench", "compare", "--duration", "0.3", "--warmup", "0", "--jit-warmup", "0.2", "--clients", "2",
                "--keys", "40", "--batch", "10", "--workloads", String.join(",", WORKLOADS), "--json", "--work", dir.resolve("work").toString(),
                "--results", results.toString(), "--results-md", md.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        Set<String> seen = new TreeSet<>();
        for (JsonNode o : list) {
            seen.add(o.get("system").asText() + " " + o.get("workload").asText());
            assertEquals(2, o.get("clients").asInt());
            assertTrue(o.get("ops_per_sec").asDouble() > 0, o.toString());
        }
        Set<String> expected = new TreeSet<>();
        for (String system : CompareConfig.SYSTEMS) {
            for (String w : WORKLOADS) {
                expected.add(system + " " + w);
            }
        }
        assertEquals(expected, seen);
        JsonNode file = new ObjectMapper().readTree(results.resolve(ComparisonReport.JSON_FILE).toFile());
        assertEquals(Runtime.getRuntime().availableProcessors(), file.get("machine").get("cores").asInt());
        assertTrue(file.get("machine").get("fsync").get("samples").asLong() > 0);
        assertEquals(2 * WORKLOADS.size(), file.get("ratios").size());
        assertTrue(Files.size(results.resolve(ComparisonReport.PLOT_FILE)) > 0);
        assertTrue(Files.readString(md).contains("| put | 2 | rheakv |"));
    }

    @Test
    void anUnknownSystemIsAUsageError() {
        BenchRun r = BenchRun.of("bench", "compare", "--systems", "shardraft,zookeeper", "--no-results");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown system 'zookeeper'"), r.err());
    }
}

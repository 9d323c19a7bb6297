package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonReportTest {

    /** {@code ops} requests in one second with the given p99 (µs). */
    static RunStats stats(String workload, int clients, long ops, long p99) {
        return new RunStats(workload, clients, 1_000_000_000L, ops, ops, p99 / 2, p99, p99 * 2, p99 * 3, p99 / 2.0,
                ops == 0 ? Map.of("UNAVAILABLE", 5L) : Map.of());
    }

    static MachineFacts machine() {
        return new MachineFacts("2026-12-01T22:00:00Z", 2, 4L << 30, "Test CPU", "Linux", "OpenJDK 17",
                new FsyncProbe.Result(100, 1500.0, 1200, 4000, 9000));
    }

    static ComparisonReport report() {
        return new ComparisonReport(List.of(
                new ComparisonReport.Row("shardraft", stats("put", 8, 2000, 10_000)),
                new ComparisonReport.Row("shardraft", stats("search", 8, 500, 3_000)),
                new ComparisonReport.Row("etcd", stats("put", 8, 1000, 20_000)),
                new ComparisonReport.Row("rheakv", stats("put", 8, 0, 0))),
                machine(), "shardraft bench compare --clients 8", "shared machine");
    }

    @Test
    void ratiosAreShardraftOverEachPeerWithNaNWhereThePeerHasNothing() {
        List<ComparisonReport.Ratio> ratios = report().ratios();
        assertEquals(2, ratios.size(), ratios.toString());
        ComparisonReport.Ratio etcd = ratios.get(0);
        assertEquals("etcd", etcd.peer());
        assertEquals("put", etcd.workload());
        assertEquals(8, etcd.clients());
        assertEquals(2.0, etcd.opsRatio(), 1e-9);
        assertEquals(0.5, etcd.p99Ratio(), 1e-9);
        assertTrue(Double.isNaN(ratios.get(1).opsRatio()), "rheakv had no successful request");
        assertEquals("n/a", ComparisonReport.ratioText(ratios.get(1).opsRatio()));
        assertEquals("2.00x", ComparisonReport.ratioText(etcd.opsRatio()));
    }

    @Test
    void theJsonListHasExactlyTheDocumentedFields() throws Exception {
        JsonNode list = new ObjectMapper().readTree(report().jsonListText());
        assertEquals(4, list.size());
        for (JsonNode o : list) {
            Set<String> fields = new TreeSet<>();
            o.fieldNames().forEachRemaining(fields::add);
            assertEquals(new TreeSet<>(Set.of("workload", "system", "clients", "ops_per_sec", "p50_ms", "p99_ms",
                    "p999_ms")), fields);
        }
        assertEquals("etcd", list.get(2).get("system").asText());
        assertEquals(1000.0, list.get(2).get("ops_per_sec").asDouble(), 1e-9);
        assertEquals(20.0, list.get(2).get("p99_ms").asDouble(), 1e-9);
    }

    @Test
    void theResultFilesCarryTheMachineTheFiguresAndTheRatios(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("RESULTS.md");
        report().writeFiles(dir.resolve("results"), md);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("results/compare.json").toFile());
        assertEquals(2, json.get("machine").get("cores").asInt());
        assertEquals(1200, json.get("machine").get("fsync").get("p50Micros").asLong());
        assertEquals(4, json.get("results").size());
        assertEquals(5, json.get("results").get(3).get("errors").asLong());
        assertEquals(2.0, json.get("ratios").get(0).get("ops_ratio").asDouble(), 1e-9);
        assertTrue(json.get("ratios").get(1).get("ops_ratio").isNull());
        List<String> csv = Files.readAllLines(dir.resolve("results/compare.csv"));
        assertEquals(BenchReport.CSV_HEADER, csv.get(0));
        assertEquals(5, csv.size());
        assertTrue(csv.get(3).startsWith("put,etcd,8,1000.0,"), csv.get(3));
        assertTrue(Files.size(dir.resolve("results/compare.png")) > 0);
        String text = Files.readString(md);
        assertTrue(text.contains("**Note:** shared machine"), text);
        assertTrue(text.contains("| put | 8 | etcd | 1000.0 | 10.000 | 20.000 | 40.000 | 0 |"), text);
        assertTrue(text.contains("| put | 8 | etcd | 2.00x | 0.50x |"), text);
        assertTrue(text.contains("`results/`"), text);
        assertTrue(text.contains("fsync of 4 KiB: p50 1.200 ms"), text);
    }

    @Test
    void theTableGroupsByWorkloadAndEndsWithTheMachine() {
        StringWriter s = new StringWriter();
        report().printTable(new PrintWriter(s, true));
        List<String> lines = s.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("workload"), lines.get(0));
        assertTrue(lines.get(1).startsWith("put") && lines.get(1).contains("shardraft"), lines.get(1));
        assertTrue(lines.get(2).contains("etcd"), lines.get(2));
        assertTrue(lines.get(4).startsWith("search"), lines.get(4));
        assertTrue(lines.get(lines.size() - 1).startsWith("machine: 2 cores"), lines.get(lines.size() - 1));
    }
}

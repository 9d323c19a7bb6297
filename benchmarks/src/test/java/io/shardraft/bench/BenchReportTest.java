package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    @TempDir
    Path dir;

    static RunStats stats(int clients, long items, long p50, long p99, long p999, Map<String, Long> errors) {
        return new RunStats("put", clients, Duration.ofSeconds(2).toNanos(), items, items, p50, p99, p999, p999, p50,
                errors);
    }

    final BenchReport report = new BenchReport(List.of(
            stats(1, 2000, 1500, 2500, 4000, Map.of()),
            stats(8, 10000, 1600, 9000, 12000, Map.of("UNAVAILABLE", 2L))));

    @Test
    void jsonIsAListOfTheAgreedFields() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report.jsonText());
        assertTrue(json.isArray());
        assertEquals(2, json.size());
        JsonNode first = json.get(0);
        List<String> fields = new java.util.ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("workload", "system", "clients", "ops_per_sec", "p50_ms", "p99_ms", "p999_ms", "errors"),
                fields);
        assertEquals("put", first.get("workload").asText());
        assertEquals("shardraft", first.get("system").asText());
        assertEquals(1, first.get("clients").asInt());
        assertEquals(1000.0, first.get("ops_per_sec").asDouble());
        assertEquals(1.5, first.get("p50_ms").asDouble());
        assertEquals(2.5, first.get("p99_ms").asDouble());
        assertEquals(4.0, first.get("p999_ms").asDouble());
        assertEquals(0, first.get("errors").asLong());
        assertEquals(2, json.get(1).get("errors").asLong());
        assertEquals(5000.0, json.get(1).get("ops_per_sec").asDouble());
    }

    @Test
    void csvHasAHeaderAndARowPerRun() {
        List<String> lines = report.csv().lines().toList();
        assertEquals(BenchReport.CSV_HEADER, lines.get(0));
        assertEquals("put,shardraft,1,1000.0,1.500,2.500,4.000,4.000,2000,2000,0", lines.get(1));
        assertEquals("put,shardraft,8,5000.0,1.600,9.000,12.000,12.000,10000,10000,2", lines.get(2));
        assertEquals(3, lines.size());
    }

    @Test
    void tableShowsEveryRunWithItsErrors() {
        StringWriter s = new StringWriter();
        report.printTable(new PrintWriter(s, true));
        List<String> lines = s.toString().lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("workload"));
        assertTrue(lines.get(2).contains("2 (UNAVAILABLE=2)"), lines.get(2));
    }

    @Test
    void plotIsAPng() throws Exception {
        Path png = dir.resolve("out/plot.png");
        report.writePlot(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
        Path csv = dir.resolve("out/r.csv");
        report.writeCsv(csv);
        assertEquals(report.csv(), java.nio.file.Files.readString(csv));
    }

    @Test
    void payloadIsDeterministicAndSized() {
        Payload p = new Payload(300, 8, 42);
        assertEquals(p.object(7), new Payload(300, 8, 42).object(7));
        assertEquals(300, p.properties(7).getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertEquals(8, p.vector(7).getValuesCount());
        assertEquals(4, p.id(7).version());
        assertTrue(!p.id(7).equals(p.id(8)));
        new ObjectMapperCheck().parses(p.properties(7));
        assertTrue(new Payload(0, 1, 1).properties(123).startsWith("{\"n\":123"));
        new ObjectMapperCheck().parses(new Payload(0, 1, 1).properties(123));
    }

    static final class ObjectMapperCheck {
        void parses(String json) {
            try {
                assertTrue(new ObjectMapper().readTree(json).isObject());
            } catch (Exception e) {
                throw new AssertionError(json, e);
            }
        }
    }

    @Test
    void workloadNamesAreExactlyTheAgreedOnes() {
        assertEquals("put, import, merge, get-strong, get-eventual, search, mixed", Workload.names());
        assertEquals(Workload.GET_EVENTUAL, Workload.parse("get-eventual"));
    }
}

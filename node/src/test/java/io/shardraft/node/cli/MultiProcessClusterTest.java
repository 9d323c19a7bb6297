package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardraft.cluster.testing.InProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real node JVMs on 127.0.0.1, started, killed (SIGKILL) and restarted by the CLI's
 * launcher, and driven through the CLI itself. One cluster for the class; `cluster down` at the end
 * must leave no process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiProcessClusterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String INDEX = "e2e";
    static final int DIMS = 4;

    @TempDir
    static Path dir;
    final List<Long> pids = new ArrayList<>();

    CliRun cli(String... args) {
        String[] all = Stream.concat(Arrays.stream(args), Stream.of("--data", dir.toString())).toArray(String[]::new);
        return CliRun.of(all);
    }

    CliRun ok(String... args) {
        CliRun r = cli(args);
        assertEquals(0, r.exitCode(), () -> String.join(" ", args) + " failed: " + r.err() + r.out());
        return r;
    }

    JsonNode json(String... args) throws Exception {
        String[] withJson = Stream.concat(Arrays.stream(args), Stream.of("--json")).toArray(String[]::new);
        return JSON.readTree(ok(withJson).out());
    }

    String target(String node) throws Exception {
        for (JsonNode n : clusterFile().get("nodes")) {
            if (n.get("id").asText().equals(node)) {
                return "127.0.0.1:" + n.get("clientPort").asInt();
            }
        }
        throw new AssertionError("no node " + node);
    }

    JsonNode clusterFile() throws Exception {
        return JSON.readTree(dir.resolve("cluster.json").toFile());
    }

    @BeforeAll
    void up() throws Exception {
        ok("cluster", "up", "--nodes", "3");
        for (JsonNode n : clusterFile().get("nodes")) {
            pids.add(n.get("pid").asLong());
        }
        ok("index", "create", INDEX, "--shards", "3", "--replicas", "3", "--dims", String.valueOf(DIMS),
                "--target", target("node2"));
    }

    @AfterAll
    void down() throws Exception {
        for (JsonNode n : clusterFile().get("nodes")) {
            pids.add(n.get("pid").asLong());
        }
        ok("cluster", "down");
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "node process " + pid + " left");
        }
    }

    /** A JSONL file of objects whose values survive a round trip exactly (multiples of 1/8). */
    Map<String, JsonNode> writeObjects(Path file, int from, int n) throws Exception {
        Random rnd = new Random(from);
        Map<String, JsonNode> objects = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            String id = UUID.randomUUID().toString();
            var o = JSON.createObjectNode();
            o.put("id", id);
            o.putObject("properties").put("i", i).put("tag", "t" + (i % 7));
            var v = o.putArray("vector");
            for (int d = 0; d < DIMS; d++) {
                v.add(rnd.nextInt(64) / 8.0);
            }
            objects.put(id, o);
            sb.append(JSON.writeValueAsString(o)).append('\n');
        }
        Files.writeString(file, sb);
        return objects;
    }

    @Test
    @Order(0)
    void nodeJvmsLeaveSigusr2ToJRaftSoJfrCanSampleThem() throws Exception {
        for (long pid : pids) {
            String env = Files.readString(Path.of("/proc/" + pid + "/environ")).replace('\0', '\n');
            assertTrue(env.lines().anyMatch("_JAVA_SR_SIGNUM=40"::equals), "node process " + pid
                    + " runs without HotSpot's suspend signal moved off SIGUSR2");
        }
    }

    @Test
    @Order(1)
    void importKillTheBusiestLeaderKeepImportingRestartAndLoseNothing() throws Exception {
        Map<String, JsonNode> expected = new HashMap<>(writeObjects(dir.resolve("a.jsonl"), 0, 2500));
        assertTrue(ok("import", INDEX, dir.resolve("a.jsonl").toString()).out().contains("2500"));

        Map<String, Integer> leads = new HashMap<>();
        for (JsonNode r : json("status").get("replicas")) {
            if (r.get("index").asText().equals(INDEX) && r.get("role").asText().equals("LEADER")) {
                leads.merge(r.get("node").asText(), 1, Integer::sum);
            }
        }
        String victim = leads.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        long killedAt = System.nanoTime();
        ok("node", "kill", victim);

        expected.putAll(writeObjects(dir.resolve("b.jsonl"), 2500, 2500));
        assertTrue(ok("import", INDEX, dir.resolve("b.jsonl").toString()).out().contains("2500"));
        System.out.printf("import of 2500 objects after SIGKILL of %s finished %d ms after the kill%n", victim,
                (System.nanoTime() - killedAt) / 1_000_000);

        ok("node", "start", victim);
        for (String node : List.of("node1", "node2", "node3")) {
            String target = target(node);
            Map<String, JsonNode> seen = new HashMap<>();
            String exported = ok("export", INDEX, "--consistency", "strong", "--target", target, "--timeout", "120").out();
            for (String line : exported.split("\n")) {
                if (!line.isBlank()) {
                    JsonNode o = JSON.readTree(line);
                    seen.put(o.get("id").asText(), o);
                }
            }
            assertEquals(expected.size(), seen.size(), "objects exported by " + node);
            for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
                JsonNode got = seen.get(e.getKey());
                assertTrue(got != null, e.getKey() + " missing on " + node);
                assertEquals(e.getValue().get("properties"), got.get("properties"), "properties on " + node);
                assertEquals(e.getValue().get("vector"), got.get("vector"), "vector on " + node);
            }
            assertEquals(5000, json("count", INDEX, "--consistency", "strong", "--target", target).get("count").asInt());
        }
        // the restarted node answers single STRONG reads of objects written while it was down
        String sample = expected.keySet().iterator().next();
        assertEquals(sample, json("get", INDEX, sample, "--consistency", "strong", "--target", target(victim))
                .get("id").asText());
        InProcessCluster.awaitTrue(() -> cli("check", INDEX).exitCode() == 0, Duration.ofSeconds(60),
                () -> "check failed: " + cli("check", INDEX).out());
    }

    @Test
    @Order(2)
    void createAndDropThroughFollowersRemoveTheFilesEverywhere() throws Exception {
        String metaLeader = json("status").get("metadataLeader").asText();
        List<String> followers = new ArrayList<>(List.of("node1", "node2", "node3"));
        followers.remove(metaLeader);
        JsonNode created = json("index", "create", "scratch", "--shards", "2", "--replicas", "3", "--dims", "2",
                "--target", target(followers.get(0)));
        long incarnation = created.get("incarnation").asLong();
        List<Path> dirs = new ArrayList<>();
        for (String node : List.of("node1", "node2", "node3")) {
            Path p = dir.resolve(node).resolve("scratch_" + incarnation);
            InProcessCluster.awaitTrue(() -> Files.isDirectory(p), Duration.ofSeconds(20), () -> p + " not created");
            dirs.add(p);
        }
        ok("put", "scratch", "--id", UUID.randomUUID().toString(), "--props", "{\"a\":1}", "--vector", "1,2",
                "--target", target(followers.get(1)));
        ok("index", "drop", "scratch", "--target", target(followers.get(1)));
        for (Path p : dirs) {
            InProcessCluster.awaitTrue(() -> !Files.exists(p), Duration.ofSeconds(20), () -> p + " still exists");
        }
        CliRun gone = cli("count", "scratch");
        assertEquals(1, gone.exitCode());
        assertTrue(gone.err().contains("scratch"), gone.err());
    }

    @Test
    @Order(3)
    void everyCommandKeepsItsContract() throws Exception {
        String id = UUID.randomUUID().toString();
        // no imported object is parallel to this vector (theirs have no negative component)
        ok("put", INDEX, "--id", id, "--props", "{\"name\":\"kettle\",\"price\":25}", "--vector", "-1,0.5,-0.25,0.125");
        ok("merge", INDEX, "--id", id, "--props", "{\"price\":22}");
        JsonNode got = json("get", INDEX, id, "--consistency", "direct");
        assertEquals(22, got.get("properties").get("price").asInt());
        assertEquals("kettle", got.get("properties").get("name").asText());
        assertEquals(id, json("search", INDEX, "--vector", "-1,0.5,-0.25,0.125", "--k", "1").get(0).get("id").asText());
        assertTrue(json("index", "list").toString().contains(INDEX));
        assertEquals(3, json("index", "describe", INDEX).get("shards").asInt());
        assertTrue(json("check", INDEX).get("consistent").asBoolean());
        ok("delete", INDEX, id);
        CliRun missing = cli("get", INDEX, id);
        assertEquals(1, missing.exitCode());
        assertEquals(1, missing.errLines().size(), missing.err());

        // server errors: exit 1, one line on stderr
        CliRun unknown = cli("get", "nosuchindex", id);
        assertEquals(1, unknown.exitCode());
        assertEquals(1, unknown.errLines().size());
        assertTrue(unknown.err().contains("nosuchindex"), unknown.err());
        CliRun badVector = cli("put", INDEX, "--id", UUID.randomUUID().toString(), "--props", "{}", "--vector", "1,2");
        assertEquals(1, badVector.exitCode());
        assertTrue(badVector.err().contains("expected 4 dimensions"), badVector.err());
        CliRun badCreate = cli("index", "create", "toomany", "--shards", "1", "--replicas", "5", "--dims", "2");
        assertEquals(1, badCreate.exitCode());
        assertTrue(badCreate.err().contains("replicas"), badCreate.err());

        // usage errors: exit 2
        assertEquals(2, cli("put", INDEX, "--id", id).exitCode(), "missing --props");
        assertEquals(2, cli("index", "create", "x", "--shards", "1", "--replicas", "1").exitCode(), "missing --dims");
        assertEquals(2, cli("get", INDEX, id, "--consistency", "sometimes").exitCode());
        assertEquals(2, cli("frobnicate").exitCode());
    }

    @Test
    @Order(4)
    void demoRunsAndNodeStopSendsSigtermAndStartRejoins() throws Exception {
        CliRun demo = ok("demo", "--objects", "300");
        assertTrue(demo.out().contains("demo passed"), demo.out());
        long pid = -1;
        for (JsonNode n : clusterFile().get("nodes")) {
            if (n.get("id").asText().equals("node1")) {
                pid = n.get("pid").asLong();
            }
        }
        ProcessHandle node1 = ProcessHandle.of(pid).orElseThrow();
        ok("node", "stop", "node1");
        assertFalse(node1.isAlive(), "node1's process ended after SIGTERM");
        ok("node", "start", "node1");
        assertEquals(5000, json("count", INDEX, "--consistency", "eventual", "--target", target("node1"))
                .get("count").asInt(), "node1 rejoined with its data");
    }
}

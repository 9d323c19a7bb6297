package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterFileTest {

    @TempDir
    Path dir;

    private NodeEntry node(int i) {
        return new NodeEntry("node" + i, "127.0.0.1", 41000 + i, 42000 + i, 1000 + i, 1_700_000_000_000L + i,
                dir.resolve("node" + i).toString(), dir.resolve("node" + i + ".log").toString(),
                dir.resolve("node" + i + ".properties").toString(),
                List.of("/usr/bin/java", "-cp", "/x/node.jar:/x/lib/*", "io.shardraft.node.NodeMain", "--config",
                        dir.resolve("node" + i + ".properties").toString()));
    }

    @Test
    void roundTrip() throws Exception {
        ClusterFile file = new ClusterFile(ClusterFile.FORMAT, Map.of("raft.election-timeout-ms", "1000"),
                List.of(node(1), node(2), node(3)));
        file.write(dir);
        assertEquals(file, ClusterFile.read(dir).orElseThrow());
        JsonNode json = CliJson.MAPPER.readTree(dir.resolve("cluster.json").toFile());
        assertEquals("node2", json.get("nodes").get(1).get("id").asText());
        assertEquals(41002, json.get("nodes").get(1).get("clientPort").asInt());
        assertEquals(1002, json.get("nodes").get(1).get("pid").asLong());
        assertTrue(json.get("nodes").get(0).get("command").isArray());
        assertEquals("node1@127.0.0.1:42001:41001,node2@127.0.0.1:42002:41002,node3@127.0.0.1:42003:41003", file.peers());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("cluster.json"), files.map(p -> p.getFileName().toString()).toList(), "no temp file left");
        }
    }

    @Test
    void updatesAndLookups() {
        ClusterFile file = new ClusterFile(ClusterFile.FORMAT, null, List.of(node(1), node(2)));
        ClusterFile updated = file.withNode(node(2).withProcess(0, 0));
        assertEquals(0, updated.node("node2").pid());
        assertEquals(1001, updated.node("node1").pid());
        CliException e = assertThrows(CliException.class, () -> file.node("node9"));
        assertTrue(e.getMessage().contains("node1, node2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClusterFile(1, null, List.of(node(1), node(1))));
        assertFalse(NodeProcess.isRunning(node(1).withProcess(0, 0)));
    }

    @Test
    void missingAndCorruptFiles() throws Exception {
        assertTrue(ClusterFile.read(dir.resolve("nothing")).isEmpty());
        Files.writeString(dir.resolve("cluster.json"), "{\"nodes\": 3");
        CliException e = assertThrows(CliException.class, () -> ClusterFile.read(dir));
        assertTrue(e.getMessage().contains("is not a valid cluster file"), e.getMessage());
    }

    @Test
    void nodePropertiesLoadBack() throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("node.id", "node1");
        config.put("cluster.peers", "node1@127.0.0.1:1:2,node2@127.0.0.1:3:4");
        config.put("data.dir", "/tmp/a dir/with:colon=and\\backslash/ünï");
        config.put("empty", "");
        String text = NodeProperties.format(config, "comment");
        Properties loaded = new Properties();
        loaded.load(new StringReader(text));
        assertEquals(config.size(), loaded.size());
        config.forEach((k, v) -> assertEquals(v, loaded.getProperty(k), k));
        assertTrue(text.lines().skip(1).findFirst().orElseThrow().startsWith("node.id="), "keys in order");
    }
}

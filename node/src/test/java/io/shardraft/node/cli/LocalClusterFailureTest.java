package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's failure paths, with a process that is not a node (the success paths need the real NodeMain and
 * are tested end to end in the node's tests).
 */
class LocalClusterFailureTest {

    @TempDir
    Path tmp;

    private LocalCluster cluster(Path dir, Duration startTimeout, List<String> log) {
        LauncherSettings settings = new LauncherSettings(null, null, List.of("-Xmx64m"),
                FailingNodeMain.class.getName(), null, startTimeout, Duration.ofSeconds(5));
        return new LocalCluster(dir, settings, log::add);
    }

    @Test
    void aNodeThatExitsFailsUpWithItsErrorLineAndLeavesNoProcess() throws Exception {
        Path dir = tmp.resolve("exits");
        List<String> log = new ArrayList<>();
        CliException e = assertThrows(CliException.class, () -> cluster(dir, Duration.ofSeconds(60), log).up(2, Map.of()));
        assertTrue(e.getMessage().contains("exited with code 2 while starting: shardraft-node: node.raft-port: not a number"),
                e.getMessage());

        ClusterFile file = ClusterFile.read(dir).orElseThrow();
        assertEquals(2, file.nodes().size());
        // the node named in the error wrote that line to its log; the other may have been stopped before writing
        String failed = e.getMessage().substring(0, e.getMessage().indexOf(' '));
        assertTrue(Files.readString(Path.of(file.node(failed).logFile())).contains("shardraft-node: node.raft-port"));
        for (NodeEntry node : file.nodes()) {
            assertTrue(node.pid() > 0);
            assertFalse(ProcessHandle.of(node.pid()).map(ProcessHandle::isAlive).orElse(false), "no process left");
            assertTrue(Path.of(node.dataDir()).startsWith(dir.toAbsolutePath()));
            assertTrue(Files.exists(Path.of(node.logFile())), node.logFile());
            Properties config = new Properties();
            try (var in = Files.newBufferedReader(Path.of(node.configFile()))) {
                config.load(in);
            }
            assertEquals(node.id(), config.getProperty("node.id"));
            assertEquals("127.0.0.1", config.getProperty("node.host"));
            assertEquals(String.valueOf(node.clientPort()), config.getProperty("node.client-port"));
            assertEquals(String.valueOf(node.raftPort()), config.getProperty("node.raft-port"));
            assertEquals(file.peers(), config.getProperty("cluster.peers"));
            assertEquals(node.dataDir(), config.getProperty("data.dir"));
            assertEquals(LauncherSettings.currentJava(), node.command().get(0));
        }
        assertEquals(4, file.nodes().stream().flatMap(n -> java.util.stream.Stream.of(n.clientPort(), n.raftPort()))
                .distinct().count(), "distinct ports");

        // a second up restarts the same nodes on the same ports
        CliException again = assertThrows(CliException.class,
                () -> cluster(dir, Duration.ofSeconds(60), log).up(null, Map.of()));
        assertTrue(again.getMessage().contains("exited with code 2"), again.getMessage());
        ClusterFile after = ClusterFile.read(dir).orElseThrow();
        assertEquals(file.nodes().get(0).clientPort(), after.nodes().get(0).clientPort());
        assertThrows(CliException.class, () -> cluster(dir, Duration.ofSeconds(60), log).up(5, Map.of()));
    }

    @Test
    void aNodeThatNeverGetsReadyIsKilledAfterTheTimeout() {
        Path dir = tmp.resolve("hang");
        CliException e = assertThrows(CliException.class,
                () -> cluster(dir, Duration.ofSeconds(3), new ArrayList<>()).up(1, Map.of()));
        assertTrue(e.getMessage().startsWith("not ready after 3 s: node1 ("), e.getMessage());
        NodeEntry node = ClusterFile.read(dir).orElseThrow().node("node1");
        assertFalse(ProcessHandle.of(node.pid()).map(ProcessHandle::isAlive).orElse(false), "no process left");
        assertFalse(NodeProcess.isRunning(node));
        CliException stop = assertThrows(CliException.class,
                () -> cluster(dir, Duration.ofSeconds(3), new ArrayList<>()).stop("node1"));
        assertEquals("node node1 is not running", stop.getMessage());
    }
}

package io.shardraft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.cluster.data.RaftLogStore;
import io.shardraft.node.store.MapDbShardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigLoaderTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("node.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void fileThenEnvironmentOverrides() throws Exception {
        Path f = file("""
                node.id=n1
                cluster.peers=n1@127.0.0.1:7201:7101, n2@127.0.0.1:7202:7102
                data.dir=/tmp/a
                raft.election-timeout-ms=2000
                """);
        NodeConfig c = NodeConfigLoader.load(f, Map.of("SHARDRAFT_DATA_DIR", "/tmp/b"));
        assertEquals("n1", c.nodeId());
        assertEquals(Path.of("/tmp/b"), c.dataDir());
        assertEquals(2, c.peers().size());
        assertEquals(7101, c.self().grpcPort());
        assertEquals("127.0.0.1", c.bindHost());
        assertEquals(Duration.ofMillis(2000), c.settings().electionTimeout());
        // quiet groups by default: followers of an answering leader wait ten election timeouts, heartbeats a tenth of that
        assertEquals(Duration.ofMillis(20_000), c.settings().quietElectionTimeout());
        assertEquals(Duration.ofMillis(2000), c.settings().heartbeatTimeout());
        NodeConfig quietOff = NodeConfigLoader.load(f, Map.of("SHARDRAFT_RAFT_QUIET_ELECTION_TIMEOUT_MS", "2000"));
        assertFalse(quietOff.settings().quietGroups());
        assertEquals(Duration.ofMillis(200), quietOff.settings().heartbeatTimeout());
        assertEquals(Duration.ofMillis(60_000), c.settings().idleHeartbeatTimeout(), "idle groups: thirty heartbeats");
        assertEquals(Duration.ofMillis(10_000), NodeConfigLoader.load(f, Map.of("SHARDRAFT_RAFT_IDLE_HEARTBEAT_MS",
                "10000")).settings().idleHeartbeatTimeout());
        assertEquals(RaftLogStore.SHARED, c.settings().logStore());
        assertEquals(RaftLogStore.PER_GROUP, NodeConfigLoader.load(f, Map.of("SHARDRAFT_RAFT_LOG_STORE", "per-group"))
                .settings().logStore());
        NodeConfig envOnly = NodeConfigLoader.load(null, Map.of("SHARDRAFT_NODE_ID", "n2",
                "SHARDRAFT_CLUSTER_PEERS", "n1@h1:1:2,n2@h2:3:4", "SHARDRAFT_DATA_DIR", "/d",
                "SHARDRAFT_NODE_BIND", "0.0.0.0"));
        assertEquals("h2", envOnly.self().host());
        assertEquals("0.0.0.0", envOnly.bindHost());
    }

    @Test
    void snapshotAndDiskKeys() throws Exception {
        Path f = file("""
                node.id=n1
                cluster.peers=n1@127.0.0.1:7201:7101
                data.dir=/tmp/a
                raft.snapshot-entries=500
                raft.snapshot-bytes=1048576
                raft.snapshot-interval-s=30
                raft.snapshot-throttle-bytes-per-s=0
                data.min-free-bytes=4096
                raft.snapshots-kept=3
                raft.log-store-memtable-bytes=1048576
                """);
        NodeConfig c = NodeConfigLoader.load(f, Map.of());
        assertEquals(500, c.settings().snapshotEntries());
        assertEquals(1_048_576, c.settings().snapshotBytes());
        assertEquals(Duration.ofSeconds(30), c.settings().snapshotInterval());
        assertEquals(0, c.settings().snapshotThrottleBytesPerSecond(), "0 = unlimited");
        assertEquals(4096, c.settings().minFreeDiskBytes());
        assertEquals(3, c.settings().snapshotsKept());
        assertEquals(1_048_576, c.settings().logStoreMemtableBytes());
        NodeConfig defaults = NodeConfigLoader.load(null, Map.of("SHARDRAFT_NODE_ID", "n1",
                "SHARDRAFT_CLUSTER_PEERS", "n1@h:1:2", "SHARDRAFT_DATA_DIR", "/d"));
        assertTrue(defaults.settings().snapshotThrottleBytesPerSecond() > 0, "catch-up is throttled by default");
        assertTrue(defaults.settings().minFreeDiskBytes() > 0, "a disk reserve by default");
        assertMessage("raft.snapshot-bytes must be positive", () -> NodeConfigLoader.load(null, Map.of(
                "SHARDRAFT_NODE_ID", "n1", "SHARDRAFT_CLUSTER_PEERS", "n1@h:1:2", "SHARDRAFT_DATA_DIR", "/d",
                "SHARDRAFT_RAFT_SNAPSHOT_BYTES", "0")));
        assertMessage("data.min-free-bytes must be 0 (off) or positive", () -> NodeConfigLoader.load(null, Map.of(
                "SHARDRAFT_NODE_ID", "n1", "SHARDRAFT_CLUSTER_PEERS", "n1@h:1:2", "SHARDRAFT_DATA_DIR", "/d",
                "SHARDRAFT_DATA_MIN_FREE_BYTES", "-1")));
    }

    @Test
    void bundleWindowKey() {
        Map<String, String> base = Map.of("SHARDRAFT_NODE_ID", "n1", "SHARDRAFT_CLUSTER_PEERS", "n1@h:1:2",
                "SHARDRAFT_DATA_DIR", "/d");
        assertEquals(2, NodeConfigLoader.load(null, base).settings().bundleWindow(), "bundling on by default");
        Map<String, String> off = new java.util.HashMap<>(base);
        off.put("SHARDRAFT_RAFT_BUNDLE_WINDOW", "0");
        assertEquals(0, NodeConfigLoader.load(null, off).settings().bundleWindow(), "0 turns bundling off");
        off.put("SHARDRAFT_RAFT_BUNDLE_WINDOW", "65");
        assertMessage("raft.bundle-window must be at most 64, got 65", () -> NodeConfigLoader.load(null, off));
        off.put("SHARDRAFT_RAFT_BUNDLE_WINDOW", "-1");
        assertMessage("raft.bundle-window must be 0 (off) or positive", () -> NodeConfigLoader.load(null, off));
    }

    @Test
    void mapDbVolumeKey() {
        Map<String, String> base = Map.of("SHARDRAFT_NODE_ID", "n1", "SHARDRAFT_CLUSTER_PEERS", "n1@h:1:2",
                "SHARDRAFT_DATA_DIR", "/d");
        MapDbShardConfig store = NodeConfigLoader.load(null, base).store();
        assertEquals(MapDbShardConfig.Durability.SYNC_ON_CLOSE, store.durability(),
                "replicated shards are rebuilt from Raft after a crash, so they run without MapDB transactions");
        assertEquals(MapDbShardConfig.REPLICATED.volume(), store.volume());
        assertEquals(MapDbShardConfig.Volume.FILE_CHANNEL, NodeConfigLoader.load(null,
                with(base, "SHARDRAFT_DATA_MAPDB_VOLUME", "file-channel")).store().volume());
        assertEquals(MapDbShardConfig.Volume.MMAP, NodeConfigLoader.load(null,
                with(base, "SHARDRAFT_DATA_MAPDB_VOLUME", "mmap")).store().volume());
        assertMessage("data.mapdb-volume: unknown MapDB volume 'disk' (mmap or file-channel)",
                () -> NodeConfigLoader.load(null, with(base, "SHARDRAFT_DATA_MAPDB_VOLUME", "disk")));
    }

    @Test
    void errorsNameTheKey() throws Exception {
        Map<String, String> base = Map.of("SHARDRAFT_NODE_ID", "n1", "SHARDRAFT_CLUSTER_PEERS", "n1@h:1:2",
                "SHARDRAFT_DATA_DIR", "/d");
        assertMessage("missing node.id", () -> NodeConfigLoader.load(null, Map.of()));
        assertMessage("does not list this node 'n9'", () -> NodeConfigLoader.load(null,
                with(base, "SHARDRAFT_NODE_ID", "n9")));
        assertMessage("not of the form id@host:raftPort:clientPort", () -> NodeConfigLoader.load(null,
                with(base, "SHARDRAFT_CLUSTER_PEERS", "n1@h:1")));
        assertMessage("raft.election-timeout-ms must be a whole number", () -> NodeConfigLoader.load(null,
                with(base, "SHARDRAFT_RAFT_ELECTION_TIMEOUT_MS", "soon")));
        assertMessage("quietElectionTimeout (PT0.5S) must not be shorter than electionTimeout (PT1S)",
                () -> NodeConfigLoader.load(null, with(base, "SHARDRAFT_RAFT_QUIET_ELECTION_TIMEOUT_MS", "500")));
        assertMessage("heartbeatTimeout (PT6S) must be at most half the quietElectionTimeout (PT10S)",
                () -> NodeConfigLoader.load(null, with(base, "SHARDRAFT_RAFT_HEARTBEAT_MS", "6000")));
        assertMessage("idleHeartbeatTimeout (PT0.5S) must not be shorter than heartbeatTimeout (PT1S)",
                () -> NodeConfigLoader.load(null, with(base, "SHARDRAFT_RAFT_IDLE_HEARTBEAT_MS", "500")));
        assertMessage("raft.log-store: unknown Raft log store 'rocks': use shared or per-group",
                () -> NodeConfigLoader.load(null, with(base, "SHARDRAFT_RAFT_LOG_STORE", "rocks")));
        assertMessage("differ from its entry", () -> NodeConfigLoader.load(null,
                with(base, "SHARDRAFT_NODE_CLIENT_PORT", "9999")));
        assertMessage("unknown key 'node.colour'", () -> NodeConfigLoader.load(file("node.colour=red\n"), base));
        assertMessage("lists node 'n1' twice", () -> NodeConfigLoader.parsePeers("n1@h:1:2,n1@h:3:4"));
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        var copy = new java.util.HashMap<>(m);
        copy.put(k, v);
        return copy;
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
    }
}

package io.shardraft.node;

import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.data.PeerRoutes;
import io.shardraft.cluster.data.RaftLogStore;
import io.shardraft.cluster.data.RaftSettings;
import io.shardraft.node.store.MapDbShardConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a node's configuration from a properties file plus environment overrides and validates it.
 * Every key can be overridden by {@code SHARDRAFT_} + the key upper-cased with '.' and '-' turned into
 * '_' (e.g. {@code node.client-port} ← {@code SHARDRAFT_NODE_CLIENT_PORT}). Errors name the key.
 */
public final class NodeConfigLoader {
    public static final String NODE_ID = "node.id";
    public static final String NODE_HOST = "node.host";
    public static final String NODE_BIND = "node.bind";
    public static final String NODE_CLIENT_PORT = "node.client-port";
    public static final String NODE_RAFT_PORT = "node.raft-port";
    public static final String CLUSTER_PEERS = "cluster.peers";
    public static final String CLUSTER_ROUTES = "cluster.routes";
    public static final String DATA_DIR = "data.dir";
    public static final String ELECTION_TIMEOUT_MS = "raft.election-timeout-ms";
    public static final String QUIET_ELECTION_TIMEOUT_MS = "raft.quiet-election-timeout-ms";
    public static final String HEARTBEAT_MS = "raft.heartbeat-ms";
    public static final String IDLE_HEARTBEAT_MS = "raft.idle-heartbeat-ms";
    public static final String APPLY_TIMEOUT_MS = "raft.apply-timeout-ms";
    public static final String SNAPSHOT_INTERVAL_S = "raft.snapshot-interval-s";
    public static final String SNAPSHOT_THRESHOLD = "raft.snapshot-threshold";
    public static final String SNAPSHOT_ENTRIES = "raft.snapshot-entries";
    public static final String SNAPSHOT_BYTES = "raft.snapshot-bytes";
    public static final String SNAPSHOT_THROTTLE = "raft.snapshot-throttle-bytes-per-s";
    public static final String SNAPSHOTS_KEPT = "raft.snapshots-kept";
    public static final String BUNDLE_WINDOW = "raft.bundle-window";
    public static final String MIN_FREE_BYTES = "data.min-free-bytes";
    public static final String LOG_STORE = "raft.log-store";
    public static final String LOG_STORE_MEMTABLE = "raft.log-store-memtable-bytes";
    public static final String MAPDB_VOLUME = "data.mapdb-volume";

    /** Every key a node reads, in the order documented. */
    public static final List<String> KEYS = List.of(NODE_ID, NODE_HOST, NODE_BIND, NODE_CLIENT_PORT, NODE_RAFT_PORT,
            CLUSTER_PEERS, CLUSTER_ROUTES, DATA_DIR, ELECTION_TIMEOUT_MS, QUIET_ELECTION_TIMEOUT_MS, HEARTBEAT_MS, IDLE_HEARTBEAT_MS, APPLY_TIMEOUT_MS, SNAPSHOT_INTERVAL_S,
            SNAPSHOT_THRESHOLD, SNAPSHOT_ENTRIES, SNAPSHOT_BYTES, SNAPSHOT_THROTTLE, SNAPSHOTS_KEPT, BUNDLE_WINDOW,
            MIN_FREE_BYTES, LOG_STORE, LOG_STORE_MEMTABLE, MAPDB_VOLUME);

    private NodeConfigLoader() {
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return "SHARDRAFT_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Loads {@code file} (may be null: environment only) with {@code env} overrides. */
    public static NodeConfig load(Path file, Map<String, String> env) {
        Properties p = new Properties();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
            }
            for (String k : p.stringPropertyNames()) {
                if (!KEYS.contains(k)) {
                    throw new IllegalArgumentException("unknown key '" + k + "' in " + file + "; known keys: " + KEYS);
                }
            }
        }
        Map<String, String> v = new LinkedHashMap<>();
        for (String k : KEYS) {
            String fromEnv = env.get(envName(k));
            String value = fromEnv != null && !fromEnv.isBlank() ? fromEnv : p.getProperty(k);
            if (value != null && !value.isBlank()) {
                v.put(k, value.trim());
            }
        }
        return fromValues(v);
    }

    static NodeConfig fromValues(Map<String, String> v) {
        String id = required(v, NODE_ID);
        String host = v.getOrDefault(NODE_HOST, "127.0.0.1");
        Map<String, NodeAddress> peers = parsePeers(required(v, CLUSTER_PEERS));
        NodeAddress listed = peers.get(id);
        if (listed == null) {
            throw new IllegalArgumentException(CLUSTER_PEERS + " does not list this node '" + id + "': " + peers.keySet());
        }
        int clientPort = v.containsKey(NODE_CLIENT_PORT) ? port(v, NODE_CLIENT_PORT) : listed.grpcPort();
        int raftPort = v.containsKey(NODE_RAFT_PORT) ? port(v, NODE_RAFT_PORT) : listed.raftPort();
        if (clientPort != listed.grpcPort() || raftPort != listed.raftPort()) {
            throw new IllegalArgumentException("this node's ports (client " + clientPort + ", raft " + raftPort
                    + ") differ from its entry in " + CLUSTER_PEERS + " (" + listed.raftPort() + ":" + listed.grpcPort()
                    + ")");
        }
        if (v.containsKey(NODE_HOST) && !listed.host().equals(host)) {
            throw new IllegalArgumentException(NODE_HOST + " " + host + " differs from this node's entry in "
                    + CLUSTER_PEERS + " (" + listed.host() + ")");
        }
        RaftSettings.Builder s = RaftSettings.builder();
        if (v.containsKey(ELECTION_TIMEOUT_MS)) {
            long election = positive(v, ELECTION_TIMEOUT_MS);
            s.electionTimeout(Duration.ofMillis(election))
                    .leaderLeaseTimeout(Duration.ofMillis(Math.max(1, election * 9 / 10)));
        }
        // unset: ten election timeouts, and the heartbeat a tenth of that (RaftSettings.Builder)
        if (v.containsKey(QUIET_ELECTION_TIMEOUT_MS)) {
            s.quietElectionTimeout(Duration.ofMillis(positive(v, QUIET_ELECTION_TIMEOUT_MS)));
        }
        if (v.containsKey(HEARTBEAT_MS)) {
            s.heartbeatTimeout(Duration.ofMillis(positive(v, HEARTBEAT_MS)));
        }
        if (v.containsKey(IDLE_HEARTBEAT_MS)) {
            s.idleHeartbeatTimeout(Duration.ofMillis(positive(v, IDLE_HEARTBEAT_MS)));
        }
        if (v.containsKey(APPLY_TIMEOUT_MS)) {
            s.applyTimeout(Duration.ofMillis(positive(v, APPLY_TIMEOUT_MS)));
        }
        if (v.containsKey(SNAPSHOT_INTERVAL_S)) {
            s.snapshotInterval(Duration.ofSeconds(positive(v, SNAPSHOT_INTERVAL_S)));
        }
        if (v.containsKey(SNAPSHOT_THRESHOLD)) {
            s.snapshotThreshold(positive(v, SNAPSHOT_THRESHOLD));
        }
        if (v.containsKey(SNAPSHOT_ENTRIES)) {
            s.snapshotEntries(positive(v, SNAPSHOT_ENTRIES));
        }
        if (v.containsKey(SNAPSHOT_BYTES)) {
            s.snapshotBytes(positive(v, SNAPSHOT_BYTES));
        }
        if (v.containsKey(SNAPSHOT_THROTTLE)) {
            s.snapshotThrottleBytesPerSecond(nonNegative(v, SNAPSHOT_THROTTLE));
        }
        if (v.containsKey(SNAPSHOTS_KEPT)) {
            long kept = positive(v, SNAPSHOTS_KEPT);
            if (kept > 1000) {
                throw new IllegalArgumentException(SNAPSHOTS_KEPT + " must be at most 1000, got " + kept);
            }
            s.snapshotsKept((int) kept);
        }
        if (v.containsKey(BUNDLE_WINDOW)) {
            long window = nonNegative(v, BUNDLE_WINDOW);
            if (window > RaftSettings.MAX_BUNDLE_WINDOW) {
                throw new IllegalArgumentException(BUNDLE_WINDOW + " must be at most " + RaftSettings.MAX_BUNDLE_WINDOW
                        + ", got " + window);
            }
            s.bundleWindow((int) window);
        }
        if (v.containsKey(MIN_FREE_BYTES)) {
            s.minFreeDiskBytes(nonNegative(v, MIN_FREE_BYTES));
        }
        if (v.containsKey(LOG_STORE)) {
            try {
                s.logStore(RaftLogStore.parse(v.get(LOG_STORE)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(LOG_STORE + ": " + e.getMessage(), e);
            }
        }
        if (v.containsKey(LOG_STORE_MEMTABLE)) {
            s.logStoreMemtableBytes(positive(v, LOG_STORE_MEMTABLE));
        }
        RaftSettings settings = s.build();
        Path data = Path.of(required(v, DATA_DIR));
        PeerRoutes routes = PeerRoutes.NONE;
        if (v.containsKey(CLUSTER_ROUTES)) {
            Map<String, NodeAddress> dial = parsePeers(v.get(CLUSTER_ROUTES), CLUSTER_ROUTES);
            for (String peer : dial.keySet()) {
                if (!peers.containsKey(peer) || peer.equals(id)) {
                    throw new IllegalArgumentException(CLUSTER_ROUTES + " names '" + peer
                            + "', which is not another node of " + CLUSTER_PEERS);
                }
            }
            routes = new PeerRoutes(dial);
        }
        MapDbShardConfig store = MapDbShardConfig.REPLICATED;
        if (v.containsKey(MAPDB_VOLUME)) {
            try {
                store = store.withVolume(MapDbShardConfig.Volume.of(v.get(MAPDB_VOLUME)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(MAPDB_VOLUME + ": " + e.getMessage(), e);
            }
        }
        return new NodeConfig(id, peers, data, v.get(NODE_BIND), settings, store, routes);
    }

    /** Parses {@code id@host:raftPort:clientPort,...}. */
    public static Map<String, NodeAddress> parsePeers(String text) {
        return parsePeers(text, CLUSTER_PEERS);
    }

    private static Map<String, NodeAddress> parsePeers(String text, String key) {
        Map<String, NodeAddress> peers = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int at = e.indexOf('@');
            String[] hp = at < 0 ? new String[0] : e.substring(at + 1).split(":");
            if (at <= 0 || hp.length != 3 || hp[0].isEmpty()) {
                throw new IllegalArgumentException(key + " entry '" + e
                        + "' is not of the form id@host:raftPort:clientPort");
            }
            String id = e.substring(0, at);
            try {
                NodeAddress a = new NodeAddress(hp[0], Integer.parseInt(hp[1]), Integer.parseInt(hp[2]));
                if (peers.put(id, a) != null) {
                    throw new IllegalArgumentException(key + " lists node '" + id + "' twice");
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(key + " entry '" + e + "' has a port that is not a number");
            }
        }
        if (peers.isEmpty()) {
            throw new IllegalArgumentException(key + " is empty");
        }
        return peers;
    }

    private static String required(Map<String, String> v, String key) {
        String s = v.get(key);
        if (s == null) {
            throw new IllegalArgumentException("missing " + key + " (or " + envName(key) + ")");
        }
        return s;
    }

    private static int port(Map<String, String> v, String key) {
        long p = positive(v, key);
        if (p > 65535) {
            throw new IllegalArgumentException(key + " must be a port (1-65535), got " + p);
        }
        return (int) p;
    }

    private static long positive(Map<String, String> v, String key) {
        long n = number(v, key);
        if (n <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + n);
        }
        return n;
    }

    /** 0 means "off" for these keys. */
    private static long nonNegative(Map<String, String> v, String key) {
        long n = number(v, key);
        if (n < 0) {
            throw new IllegalArgumentException(key + " must be 0 (off) or positive, got " + n);
        }
        return n;
    }

    private static long number(Map<String, String> v, String key) {
        try {
            return Long.parseLong(v.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v.get(key) + "'");
        }
    }
}

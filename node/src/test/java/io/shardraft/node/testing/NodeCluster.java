package io.shardraft.node.testing;

import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.data.RaftSettings;
import io.shardraft.cluster.data.ShardStore;
import io.shardraft.testkit.FreePorts;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.NodeConfig;
import io.shardraft.node.ShardraftNode;
import io.shardraft.node.db.IndexDefinition;
import io.shardraft.node.db.ObjectIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N reference-host nodes in one JVM (real Registry, JRaft, gRPC and MapDB files), with indexes created
 * on every running node the way the cluster metadata will, and re-opened on restart.
 */
public final class NodeCluster implements AutoCloseable {
    private final Path baseDir;
    private final RaftSettings settings;
    private final Map<String, NodeAddress> peers = new LinkedHashMap<>();
    private final Map<String, ShardraftNode> nodes = new LinkedHashMap<>();
    private final Map<String, IndexDefinition> indexes = new LinkedHashMap<>();

    public NodeCluster(Path baseDir, int n) {
        this(baseDir, n, InProcessCluster.testSettings());
    }

    public NodeCluster(Path baseDir, int n, RaftSettings settings) {
        this.baseDir = baseDir;
        this.settings = settings;
        int[] ports = FreePorts.allocate(2 * n);
        for (int i = 0; i < n; i++) {
            peers.put("node" + (i + 1), new NodeAddress(InProcessCluster.HOST, ports[2 * i], ports[2 * i + 1]));
        }
        peers.keySet().forEach(this::start);
    }

    public void start(String id) {
        start(id, settings);
    }

    /** Starts (or restarts) a node with its own settings, e.g. another disk reserve. */
    public synchronized void start(String id, RaftSettings nodeSettings) {
        if (nodes.containsKey(id)) {
            return;
        }
        // The test's indexes are not in the cluster metadata: they are opened before the node can become ready, which
        // would purge them. One that fails to open fails the start, and the node runs on (as a host's node would).
        List<RuntimeException> failures = new ArrayList<>();
        ShardraftNode node = ShardraftNode.start(new NodeConfig(id, peers, baseDir.resolve(id), null, nodeSettings, null),
                database -> indexes.values().forEach(def -> {
                    try {
                        database.createIndex(def);
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }));
        nodes.put(id, node);
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    public void stop(String id) {
        ShardraftNode n;
        synchronized (this) {
            n = nodes.remove(id);
        }
        if (n != null) {
            n.close();
        }
    }

    public List<String> nodeIds() {
        return List.copyOf(peers.keySet());
    }

    public synchronized List<String> running() {
        return List.copyOf(nodes.keySet());
    }

    public synchronized ShardraftNode node(String id) {
        ShardraftNode n = nodes.get(id);
        if (n == null) {
            throw new IllegalStateException(id + " is not running");
        }
        return n;
    }

    public ObjectIndex index(String node, String index) {
        return node(node).database().requireIndex(index);
    }

    public Path dataDir(String id) {
        return baseDir.resolve(id);
    }

    /** Creates the index on every running node and waits until each of its shards has an agreed leader. */
    public synchronized void createIndex(IndexDefinition def) {
        indexes.put(def.name(), def);
        nodes.values().forEach(n -> n.database().createIndex(def));
        if (def.replicated()) {
            for (int s = 0; s < def.shards(); s++) {
                awaitLeader(def.name(), def.shardName(s), Duration.ofSeconds(30));
            }
        }
    }

    public synchronized void dropIndex(String name) {
        indexes.remove(name);
        nodes.values().forEach(n -> n.database().dropIndex(name));
    }

    /** Waits until every running replica of the shard agrees on one leader among them; returns its id. */
    public String awaitLeader(String index, String shard, Duration timeout) {
        String[] found = new String[1];
        InProcessCluster.awaitTrue(() -> {
            found[0] = agreedLeader(index, shard);
            return found[0] != null;
        }, timeout, () -> "no agreed leader for " + index + "/" + shard);
        return found[0];
    }

    private synchronized String agreedLeader(String index, String shard) {
        List<ShardStore> replicas = new ArrayList<>();
        nodes.values().forEach(n -> n.registry().getStore(index, shard).ifPresent(replicas::add));
        return io.shardraft.cluster.testing.AgreedLeader.among(replicas).orElse(null);
    }

    /** Waits until every running replica of every shard of the index has applied what its leader has. */
    public void awaitConverged(String index, Duration timeout) {
        IndexDefinition def = indexes.get(index);
        for (int s = 0; s < def.shards(); s++) {
            String shard = def.shardName(s);
            String leader = awaitLeader(index, shard, timeout);
            long applied = node(leader).registry().getStore(index, shard).orElseThrow().lastAppliedIndex();
            InProcessCluster.awaitTrue(() -> running().stream().allMatch(id -> node(id).registry()
                    .getStore(index, shard).map(st -> st.lastAppliedIndex() >= applied).orElse(true)),
                    timeout, () -> index + "/" + shard + " replicas did not reach " + applied);
        }
    }

    @Override
    public void close() {
        // in parallel: each node's Raft RPC server takes its shutdown quiet period (about 2 s)
        running().parallelStream().forEach(id -> {
            try {
                stop(id);
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
        });
    }
}

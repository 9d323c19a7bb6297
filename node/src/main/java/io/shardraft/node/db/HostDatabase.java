package io.shardraft.node.db;

import com.google.common.base.Preconditions;
import io.shardraft.adapter.ReplicationAdapter;
import io.shardraft.adapter.ShardRouting;
import io.shardraft.cluster.data.Directories;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.node.store.MapDbShard;
import io.shardraft.node.store.MapDbShardConfig;
import io.shardraft.node.store.ReplicaPlacement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The reference host database's index layer on one node: it keeps its indexes' shards in MapDB files
 * and drives shardraft only through the {@link ReplicationAdapter} hooks, exactly where a host's index
 * layer would (index created, shard initialised, shard shut down, shard dropped, index dropped).
 * Shard placement is deterministic ({@link ReplicaPlacement}), so every node computes the same
 * replica sets and opens only the shards placed on it.
 */
public final class HostDatabase implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(HostDatabase.class);

    private final String nodeId;
    private final List<String> clusterNodes;
    private final Path dataDir;
    private final ReplicationAdapter adapter;
    private final MapDbShardConfig storeConfig;
    private final Map<String, ObjectIndex> indexes = new LinkedHashMap<>();
    /** Once closed its indexes are unloaded, not gone: nothing may be purged as unknown any more. */
    private boolean closed;
    private final Map<String, Map<String, List<String>>> localShards = new LinkedHashMap<>();
    /** Indexes (name → Raft name) that failed to open here: their files are kept until the index is dropped. */
    private final Map<String, String> failedToOpen = new LinkedHashMap<>();

    /**
     * @param clusterNodes every node id of the cluster (placement input)
     * @param registry     the node's started Registry, or null for a node that runs unreplicated indexes only
     */
    public HostDatabase(String nodeId, Collection<String> clusterNodes, Path dataDir, Registry registry,
            MapDbShardConfig storeConfig) {
        this.nodeId = nodeId;
        this.clusterNodes = List.copyOf(new TreeSet<>(clusterNodes));
        Preconditions.checkArgument(this.clusterNodes.contains(nodeId), "node %s is not in the cluster %s", nodeId,
                this.clusterNodes);
        this.dataDir = dataDir;
        if (registry != null) {
            Preconditions.checkArgument(registry.config().dataDir().equals(dataDir),
                    "the Registry's dataDir %s must be the database's %s", registry.config().dataDir(), dataDir);
        }
        this.adapter = new ReplicationAdapter(registry);
        this.storeConfig = storeConfig;
    }

    public String nodeId() {
        return nodeId;
    }

    public ReplicationAdapter adapter() {
        return adapter;
    }

    /** Creates (or re-opens after a restart) the index and the shards placed on this node. Idempotent. */
    public synchronized ObjectIndex createIndex(IndexDefinition def) {
        ObjectIndex existing = indexes.get(def.name());
        if (existing != null) {
            if (!existing.definition().equals(def)) {
                throw ReplicationException.invalid("index '" + def.name() + "' already exists as "
                        + existing.definition());
            }
            return existing;
        }
        if (def.replicationFactor() > clusterNodes.size()) {
            throw ReplicationException.invalid("index '" + def.name() + "' asks for " + def.replicationFactor()
                    + " replicas but the cluster has " + clusterNodes.size() + " nodes");
        }
        ShardRouting routing = adapter.onIndexCreated(def.raftName(), def.replicated());
        ObjectIndex index = new ObjectIndex(def, routing);
        indexes.put(def.name(), index);
        Map<String, List<String>> mine = new LinkedHashMap<>();
        localShards.put(def.name(), mine);
        List<List<String>> placement = ReplicaPlacement.place(clusterNodes, def.shards(), def.replicationFactor());
        try {
            for (int s = 0; s < def.shards(); s++) {
                List<String> members = placement.get(s);
                if (members.contains(nodeId)) {
                    mine.put(def.shardName(s), members);
                    openShard(def, def.shardName(s), members);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("creating index {} on node {} failed; unloading what was opened", def.name(), nodeId, e);
            indexes.remove(def.name());
            localShards.remove(def.name());
            // unload, never drop: on a restart the index's files are the replica's data (and the evidence)
            adapter.onIndexUnloaded(def.raftName());
            failedToOpen.put(def.name(), def.raftName());
            throw e;
        }
        failedToOpen.remove(def.name());
        LOG.info("index {} open on node {} with local shards {}", def.name(), nodeId, mine.keySet());
        return index;
    }

    private void openShard(IndexDefinition def, String shard, List<String> members) {
        Path dataPath = shardPath(def, shard);
        Path hostDir = ReplicationAdapter.hostDir(dataPath);
        String name = def.name() + "/" + shard;
        MapDbShard host;
        // an unreplicated shard has no Raft log to rebuild from: each apply is its only copy and commits at once
        MapDbShardConfig config = def.replicated() ? storeConfig : MapDbShardConfig.DEFAULT;
        if (def.replicated() && !MapDbShard.closedCleanly(hostDir)) {
            // The process died with the file open: MapDB's recovery is not trusted (see MapDbShard.OPEN_MARKER).
            // The group restores the replica from this node's latest snapshot and Raft log, or from the leader.
            LOG.warn("shard {} on node {}: {} was not closed cleanly; discarding it and restoring the replica from its "
                    + "Raft group (snapshot + log)", name, nodeId, hostDir);
            try {
                Directories.deleteRecursively(hostDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot discard shard " + name + " at " + hostDir, e);
            }
        }
        try {
            host = MapDbShard.open(name, hostDir, def.schema(), config);
        } catch (IOException | RuntimeException e) {
            if (!def.replicated() || members.size() < 2) {
                // the only copy: refuse to start rather than serve nothing or something wrong
                throw new UncheckedIOException("cannot open shard " + name + " at " + hostDir + ": " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e));
            }
            host = rebuild(name, hostDir, def, config, e);
        }
        try {
            adapter.onShardInitialised(def.raftName(), shard, members, dataPath, host);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /**
     * A replica whose file cannot be opened (torn, corrupted) is set aside, never served: the shard starts
     * empty and its Raft group restores it from this node's snapshot and log, or from the leader.
     */
    private MapDbShard rebuild(String name, Path hostDir, IndexDefinition def, MapDbShardConfig config,
            Exception cause) {
        Path aside = hostDir.resolveSibling(hostDir.getFileName() + ".corrupt-" + System.currentTimeMillis());
        LOG.error("shard {} on node {}: {} cannot be opened ({}); moved to {} and restoring the replica through Raft",
                name, nodeId, hostDir, cause.getMessage(), aside);
        try {
            java.nio.file.Files.move(hostDir, aside);
            return MapDbShard.open(name, hostDir, def.schema(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rebuild shard " + name + " at " + hostDir, e);
        }
    }

    private Path shardPath(IndexDefinition def, String shard) {
        return dataDir.resolve(def.raftName()).resolve(shard);
    }

    /** The directory of a shard of an open index on this node. */
    public synchronized Path shardPath(String index, String shard) {
        return shardPath(requireIndex(index).definition(), shard);
    }

    /** The directory of every shard of the index on this node. */
    public synchronized Path indexPath(String index) {
        return dataDir.resolve(requireIndex(index).definition().raftName());
    }

    /** Drops the index on this node: its groups stop and every file of it is deleted. */
    public synchronized boolean dropIndex(String name) {
        ObjectIndex index = indexes.remove(name);
        localShards.remove(name);
        String failed = failedToOpen.remove(name);
        // an index that failed to open here has no ObjectIndex, but its files go with the drop too
        String raftName = index != null ? index.definition().raftName() : failed;
        if (raftName == null) {
            return false;
        }
        adapter.onIndexDropped(raftName);
        try {
            Directories.deleteRecursively(dataDir.resolve(raftName));
        } catch (IOException e) {
            throw new UncheckedIOException("index " + name + " dropped but its directory remains", e);
        }
        return true;
    }

    /** Shuts a local shard down (its group unloads); its files stay for {@link #loadShard}. */
    public synchronized boolean unloadShard(String index, String shard) {
        requireLocal(index, shard);
        return adapter.onShardShutdown(requireIndex(index).definition().raftName(), shard);
    }

    /** Re-opens a local shard from its files after {@link #unloadShard}. */
    public synchronized void loadShard(String index, String shard) {
        List<String> members = requireLocal(index, shard);
        openShard(indexes.get(index).definition(), shard, members);
    }

    /** Drops one local shard: its group stops and its files are purged. */
    public synchronized boolean dropShard(String index, String shard) {
        requireLocal(index, shard);
        localShards.get(index).remove(shard);
        return adapter.onShardDropped(requireIndex(index).definition().raftName(), shard);
    }

    private List<String> requireLocal(String index, String shard) {
        Map<String, List<String>> mine = localShards.get(index);
        if (mine == null || !mine.containsKey(shard)) {
            throw ReplicationException.notFound("shard '" + shard + "' of index '" + index + "' is not on node "
                    + nodeId);
        }
        return mine.get(shard);
    }

    public synchronized Optional<ObjectIndex> index(String name) {
        return Optional.ofNullable(indexes.get(name));
    }

    public synchronized ObjectIndex requireIndex(String name) {
        ObjectIndex i = indexes.get(name);
        if (i == null) {
            throw ReplicationException.notFound("index '" + name + "' does not exist");
        }
        return i;
    }

    public synchronized List<IndexDefinition> indexes() {
        List<IndexDefinition> out = new ArrayList<>();
        indexes.values().forEach(i -> out.add(i.definition()));
        return out;
    }

    /** Shard name → replica node ids, for the shards of the index placed on this node. */
    public synchronized Map<String, List<String>> localShards(String index) {
        return Map.copyOf(localShards.getOrDefault(index, Map.of()));
    }

    public synchronized Set<String> localShardNames(String index) {
        return Set.copyOf(localShards.getOrDefault(index, Map.of()).keySet());
    }

    /**
     * Deletes directories under the data dir that belong to no open index (left by an index dropped while
     * this node was down, and compacted out of the metadata log). {@code reserved} names are kept: the node passes
     * every index the cluster metadata holds; an index that failed to open here keeps its files too.
     * Returns the names deleted.
     */
    public synchronized List<String> purgeUnknownDirectories(Set<String> reserved) {
        List<String> purged = new ArrayList<>();
        if (closed) {
            return purged;
        }
        Set<String> known = new TreeSet<>(reserved);
        indexes.values().forEach(i -> known.add(i.definition().raftName()));
        known.addAll(failedToOpen.values());
        if (!java.nio.file.Files.isDirectory(dataDir)) {
            return purged;
        }
        try (var dirs = java.nio.file.Files.list(dataDir)) {
            for (Path d : dirs.filter(java.nio.file.Files::isDirectory).toList()) {
                String name = d.getFileName().toString();
                if (!known.contains(name)) {
                    Directories.deleteRecursively(d);
                    purged.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dataDir, e);
        }
        if (!purged.isEmpty()) {
            LOG.info("node {} removed the files of indexes that no longer exist: {}", nodeId, purged);
        }
        return purged;
    }

    /** Unloads every index (files kept). */
    @Override
    public synchronized void close() {
        closed = true;
        try {
            adapter.shutdown();
        } finally {
            indexes.clear();
            localShards.clear();
        }
    }
}

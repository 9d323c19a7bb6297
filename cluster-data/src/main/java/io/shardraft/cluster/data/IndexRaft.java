package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.spi.HostShard;
import io.shardraft.cluster.spi.HostShardFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The per-index Raft manager: owns every {@link ShardStore} of one index on this node.
 * Concurrent {@link #getOrCreateStore} calls for one shard create exactly one store.
 */
public final class IndexRaft implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger("index_raft");

    private final IndexRaftConfig config;
    /** What the node's groups share: the Raft log store (or none) and the install-snapshot throttle. */
    private final NodeResources node;
    private final ConcurrentHashMap<String, ShardStore> stores = new ConcurrentHashMap<>();
    private volatile boolean started;
    private volatile boolean shutDown;

    /** An index alone on its node: logs per group (JRaft's default log storage), one throttle for its groups. */
    public IndexRaft(IndexRaftConfig config) {
        this(config, NodeResources.of(config.settings(), null));
    }

    /** An index whose groups use their node's shared resources. */
    public IndexRaft(IndexRaftConfig config, NodeResources node) {
        this.config = Preconditions.checkNotNull(config, "config");
        this.node = Preconditions.checkNotNull(node, "node");
    }

    public IndexRaftConfig config() {
        return config;
    }

    public String index() {
        return config.index();
    }

    public synchronized void start() {
        Preconditions.checkState(!shutDown, "index raft %s was shut down", config.index());
        started = true;
    }

    /** Stops (unloads) every store of the index; their data stays on disk. */
    public synchronized void shutdown() {
        shutDown = true;
        started = false;
        for (String shard : List.copyOf(stores.keySet())) {
            stopStore(shard);
        }
    }

    @Override
    public void close() {
        shutdown();
    }

    public boolean isStarted() {
        return started;
    }

    /**
     * Returns the shard's store, creating and starting it with a host shard from the configured
     * {@link HostShardFactory} if it does not exist yet.
     */
    public ShardStore getOrCreateStore(String shard, List<String> members, Path dataPath) {
        return getOrCreateStore(shard, members, dataPath, null);
    }

    private ShardStore getOrCreateStore(String shard, List<String> members, Path dataPath, HostShard given) {
        Names.checkName("shard", shard);
        if (!started) {
            throw ReplicationException.unavailable("index raft " + config.index() + " is not started on node "
                    + config.nodeId());
        }
        ShardStore existing = stores.get(shard);
        if (existing != null) {
            return existing;
        }
        return stores.computeIfAbsent(shard, s -> create(s, members, dataPath, given));
    }

    private ShardStore create(String shard, List<String> members, Path dataPath, HostShard given) {
        ShardStoreConfig storeConfig = new ShardStoreConfig(config.index(), shard, config.nodeId(), members,
                dataPath, config.addressResolver(), config.settings());
        HostShard host = given;
        if (host == null) {
            HostShardFactory factory = config.hostShards().orElseThrow(() -> ReplicationException.invalid(
                    "no host shard for " + config.index() + "/" + shard + ": pass one to onShardCreated or configure "
                            + "a HostShardFactory"));
            try {
                host = factory.open(config.index(), shard, storeConfig.hostDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open host shard " + config.index() + "/" + shard, e);
            }
        }
        ShardStore store = new ShardStore(storeConfig, node);
        store.setShard(host);
        try {
            store.start();
        } catch (RuntimeException e) {
            store.stop();
            throw e;
        }
        return store;
    }

    public Optional<ShardStore> getStore(String shard) {
        return Optional.ofNullable(stores.get(shard));
    }

    /** The store, or NOT_FOUND naming the index and shard. */
    public ShardStore requireStore(String shard) {
        ShardStore s = stores.get(shard);
        if (s == null) {
            throw ReplicationException.notFound("shard '" + shard + "' of index '" + config.index()
                    + "' is not on node " + config.nodeId());
        }
        return s;
    }

    public Map<String, ShardStore> stores() {
        return Map.copyOf(stores);
    }

    /** Unloads the shard: stops its group, keeps its log, meta, snapshots and host data. */
    public boolean stopStore(String shard) {
        ShardStore s = stores.remove(shard);
        if (s == null) {
            return false;
        }
        s.stop();
        return true;
    }

    /**
     * Drops the shard: stops its group, then purges its log, meta, snapshots and host files, so a shard
     * re-created with the same name starts empty.
     */
    public boolean dropStore(String shard) {
        ShardStore s = stores.remove(shard);
        if (s == null) {
            return false;
        }
        s.stop();
        node.sharedLogStore().ifPresent(log -> log.purge(s.config().groupId()));
        Path dir = s.config().dataPath();
        try {
            Directories.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("stopped " + s + " but could not delete " + dir, e);
        }
        LOG.info("dropped shard {}/{} on node {} and deleted {}", config.index(), shard, config.nodeId(), dir);
        return true;
    }

    /** Host hook: the shard was initialised; start its group with the host's shard. */
    public ShardStore onShardCreated(String shard, List<String> members, Path dataPath, HostShard hostShard) {
        Preconditions.checkNotNull(hostShard, "hostShard");
        ShardStore store = getOrCreateStore(shard, members, dataPath, hostShard);
        if (store.shard().orElse(null) != hostShard) {
            LOG.warn("shard {}/{} already had a store on node {}; kept the running one", config.index(), shard,
                    config.nodeId());
        }
        return store;
    }

    /** Host hook: the shard was deleted; stop its group and purge its Raft state. */
    public boolean onShardDeleted(String shard) {
        return dropStore(shard);
    }

    public boolean isLeader(String shard) {
        return getStore(shard).map(ShardStore::isLeader).orElse(false);
    }

    /** Confirms leadership with a quorum before a leader-local read; fails with NOT_LEADER/UNAVAILABLE. */
    public CompletableFuture<Long> verifyLeaderForRead(String shard, Duration timeout) {
        try {
            return requireStore(shard).verifyLeader(timeout);
        } catch (ReplicationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The address of the shard's leader, if known. */
    public Optional<NodeAddress> leaderAddress(String shard) {
        return getStore(shard).flatMap(ShardStore::leaderAddress);
    }

    /** The node id of the shard's leader, if known. */
    public Optional<String> leader(String shard) {
        return getStore(shard).flatMap(ShardStore::leaderId);
    }

    public List<ShardStats> stats() {
        List<ShardStats> out = new ArrayList<>();
        stores.values().forEach(s -> out.add(s.stats()));
        out.sort((a, b) -> a.shard().compareTo(b.shard()));
        return out;
    }
}

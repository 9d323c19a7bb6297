package io.shardraft.adapter;

import com.google.common.base.Preconditions;
import io.shardraft.cluster.data.Directories;
import io.shardraft.cluster.data.Names;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.spi.HostShard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The hooks a host database's index layer calls, mirroring the origin plan's integration points:
 * <ul>
 *   <li>{@link #onIndexCreated} — the index gets its routing (and, when replicated, its per-index Raft
 *       in the node's Registry and a Router);</li>
 *   <li>{@link #onShardInitialised} — the shard's Raft group starts with the host's shard
 *       ({@code IndexRaft.onShardCreated});</li>
 *   <li>{@link #onShardShutdown} — the group is unloaded, its state kept;</li>
 *   <li>{@link #onShardDropped} — the group is stopped and its log, meta, snapshots and host files purged;</li>
 *   <li>{@link #onIndexDropped} — the index's Raft is removed from this node (every node calls it).</li>
 * </ul>
 * A shard's directory is the same in both modes: the Raft state under {@code dataPath/raft}, the host
 * files under {@link #hostDir(Path) dataPath/host}.
 */
public final class ReplicationAdapter {
    private static final Logger LOG = LogManager.getLogger(ReplicationAdapter.class);

    private final Registry registry;
    private final Clock clock;
    private final Map<String, ShardRouting> routings = new ConcurrentHashMap<>();
    private final Map<String, Path> standalonePaths = new ConcurrentHashMap<>();

    /** @param registry the node's started Registry; null when this node runs only unreplicated indexes */
    public ReplicationAdapter(Registry registry) {
        this(registry, Clock.systemUTC());
    }

    public ReplicationAdapter(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Where the host keeps a shard's own files inside the shard's data path. */
    public static Path hostDir(Path shardDataPath) {
        return shardDataPath.resolve("host");
    }

    public Optional<Registry> registry() {
        return Optional.ofNullable(registry);
    }

    /** Index created: returns the routing its request handlers use from now on. */
    public ShardRouting onIndexCreated(String index, boolean replicated) {
        Names.checkName("index", index);
        return routings.compute(index, (name, existing) -> {
            if (existing != null) {
                if (existing.replicated() != replicated) {
                    throw ReplicationException.invalid("index '" + index + "' already exists as "
                            + (existing.replicated() ? "replicated" : "standalone"));
                }
                return existing;
            }
            if (!replicated) {
                return new StandaloneRouting(name, clock);
            }
            if (registry == null) {
                throw ReplicationException.invalid("index '" + index
                        + "' asks for replication but this node has no Registry (replication is off)");
            }
            registry.getOrCreateRaft(name);
            return new ReplicatedRouting(registry.router(name));
        });
    }

    /** The index's routing, or NOT_FOUND. */
    public ShardRouting routing(String index) {
        ShardRouting r = routings.get(index);
        if (r == null) {
            throw ReplicationException.notFound("index '" + index + "' is not open on this node");
        }
        return r;
    }

    public Optional<ShardRouting> findRouting(String index) {
        return Optional.ofNullable(routings.get(index));
    }

    /**
     * Shard initialised (created or loaded) on this node, with the host's open shard.
     *
     * @param members  node ids of every replica (ignored for an unreplicated index)
     * @param dataPath the shard's directory; the host shard keeps its files in {@link #hostDir(Path)}
     */
    public void onShardInitialised(String index, String shard, List<String> members, Path dataPath, HostShard host) {
        Preconditions.checkNotNull(host, "host shard");
        Names.checkName("shard", shard);
        ShardRouting routing = routing(index);
        if (routing instanceof StandaloneRouting s) {
            s.add(shard, host);
            standalonePaths.put(key(index, shard), dataPath);
        } else {
            registry.requireRaft(index).onShardCreated(shard, members, dataPath, host);
        }
        LOG.info("shard {}/{} initialised ({})", index, shard, routing.replicated() ? "replicated" : "standalone");
    }

    /** Shard shut down: its group is unloaded and the host shard closed; all state stays on disk. */
    public boolean onShardShutdown(String index, String shard) {
        ShardRouting routing = routing(index);
        if (routing instanceof StandaloneRouting s) {
            HostShard h = s.remove(shard);
            standalonePaths.remove(key(index, shard));
            if (h != null) {
                h.close();
            }
            return h != null;
        }
        return registry.requireRaft(index).stopStore(shard);
    }

    /** Shard dropped: its group stops and its Raft state and host files are deleted. */
    public boolean onShardDropped(String index, String shard) {
        ShardRouting routing = routing(index);
        if (routing instanceof StandaloneRouting s) {
            HostShard h = s.remove(shard);
            Path p = standalonePaths.remove(key(index, shard));
            if (h != null) {
                h.close();
            }
            if (p != null) {
                deleteRecursively(p);
            }
            return h != null;
        }
        return registry.requireRaft(index).onShardDeleted(shard);
    }

    /** Index dropped: every shard of it on this node is dropped and its Raft removed. */
    public boolean onIndexDropped(String index) {
        ShardRouting routing = routings.remove(index);
        if (routing == null) {
            return false;
        }
        if (routing instanceof StandaloneRouting s) {
            for (String shard : s.shards().keySet()) {
                HostShard h = s.remove(shard);
                h.close();
                Path p = standalonePaths.remove(key(index, shard));
                if (p != null) {
                    deleteRecursively(p);
                }
            }
            return true;
        }
        return registry.deleteRaft(index);
    }

    /** Unloads every index (state kept), e.g. when the host shuts down. */
    public void shutdown() {
        List.copyOf(routings.keySet()).forEach(this::onIndexUnloaded);
        standalonePaths.clear();
    }

    /** Index unloaded (e.g. it failed to open): every shard of it on this node stops; all state stays on disk. */
    public boolean onIndexUnloaded(String index) {
        ShardRouting r = routings.remove(index);
        if (r instanceof StandaloneRouting s) {
            s.shards().keySet().forEach(shard -> {
                HostShard h = s.remove(shard);
                standalonePaths.remove(key(index, shard));
                if (h != null) {
                    h.close();
                }
            });
        } else if (r != null && registry != null) {
            registry.unloadRaft(index);
        }
        return r != null;
    }

    private static String key(String index, String shard) {
        return index + "/" + shard;
    }

    private static void deleteRecursively(Path dir) {
        try {
            Directories.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}

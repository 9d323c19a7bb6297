package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.NodeManager;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.common.base.Preconditions;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.log.SharedLogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One per node: holds the per-index {@link IndexRaft} managers and what they share — the one JRaft RPC
 * server (one port for every group), the client that forwards to leaders, and the retry and read
 * executors. The RPC server's address is registered with JRaft's NodeManager once, at start, and
 * removed only at shutdown, so stopping one group never cuts off the others.
 */
public final class Registry implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger("shard_raft_registry");

    static {
        JRaftEnvironment.prepare();
    }

    private final RegistryConfig config;
    private final ConcurrentHashMap<String, IndexRaft> indices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Router> routers = new ConcurrentHashMap<>();
    private RpcServer rpcServer;
    private Endpoint endpoint;
    private LeaderForwarder forwarder;
    private ScheduledExecutorService scheduler;
    private ExecutorService readExecutor;
    private SharedLogStore sharedLog;
    private NodeResources resources;
    private NodeLiveness liveness;
    private ElectionPacer pacer;
    private volatile boolean started;

    public Registry(RegistryConfig config) {
        this.config = Preconditions.checkNotNull(config, "config");
    }

    public RegistryConfig config() {
        return config;
    }

    public String nodeId() {
        return config.nodeId();
    }

    /** Where the shared Raft log store lives; not a valid index name, so no index directory collides. */
    public static final String SHARED_LOG_DIR = "_raft-log";

    /**
     * Starts the node's JRaft RPC server on {@code bindHost:raftPort}, the shared executors and (in the
     * default {@link RaftLogStore#SHARED} mode) the shared Raft log store.
     */
    public synchronized void start() {
        if (started) {
            return;
        }
        // thousands of groups mean thousands of parked threads: give them a futex hash to match (once per process)
        FutexHash.ensure();
        this.sharedLog = openLogStore();
        createPacing();
        this.resources = NodeResources.of(config.settings(), sharedLog, pacer);
        NodeAddress self = config.self();
        this.endpoint = new Endpoint(self.host(), self.raftPort());
        BoltRpcServer server = new BoltRpcServer(
                new com.alipay.remoting.rpc.RpcServer(config.bindHost(), config.raftPort(), true));
        // JRaft's processors, RequestVote guarded: replicas restored from their peers vote only once caught up
        GuardedVoteProcessor.register(server, resources.voteGuard(), resources.pipelines(), resources.pacer());
        if (!server.init(null)) {
            resources.pipelines().close();
            stopPacing();
            closeLogStore();
            throw ReplicationException.unavailable("cannot start the Raft RPC server of node " + config.nodeId()
                    + " on " + config.bindHost() + ":" + config.raftPort());
        }
        this.rpcServer = server;
        NodeManager.getInstance().addAddress(endpoint);
        config.peerRoutes().dial().forEach((peer, dial) -> {
            NodeAddress own = config.addressResolver().resolve(peer).orElseThrow();
            RaftEndpointRoutes.add(new Endpoint(own.host(), own.raftPort()), new Endpoint(dial.host(), dial.raftPort()));
            LOG.info("node {} dials peer {} at {} (raft) and {} (gRPC)", config.nodeId(), peer, dial.raftEndpoint(),
                    dial.grpcTarget());
        });
        // after the routes: the pings take the same way as the groups' traffic
        if (liveness != null) {
            liveness.start();
        }
        pacer.start();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat("shardraft-retry-" + config.nodeId()).setDaemon(true).build());
        int readThreads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        this.readExecutor = Executors.newFixedThreadPool(readThreads, new ThreadFactoryBuilder()
                .setNameFormat("shardraft-read-" + config.nodeId() + "-%d").setDaemon(true).build());
        // forwarded writes share calls per (leader, shard) under load: see ForwardCoalescer
        this.forwarder = config.rpcClients().<LeaderForwarder>map(m -> new ForwardCoalescer(m.make(config),
                config.settings().maxMessageBytes())).orElse(null);
        started = true;
        LOG.info("registry of node {} started; Raft RPC on {}:{}", config.nodeId(), config.bindHost(),
                config.raftPort());
    }

    /** Unloads every index (data kept), then stops the RPC server, client and executors. */
    public synchronized void shutdown() {
        if (!started) {
            return;
        }
        started = false;
        for (IndexRaft raft : indices.values()) {
            try {
                raft.shutdown();
            } catch (RuntimeException e) {
                LOG.error("shutting down index {} on node {} failed", raft.index(), config.nodeId(), e);
            }
        }
        indices.clear();
        routers.clear();
        stopPacing();
        NodeManager.getInstance().removeAddress(endpoint);
        config.peerRoutes().dial().forEach((peer, dial) -> {
            NodeAddress own = config.addressResolver().resolve(peer).orElseThrow();
            RaftEndpointRoutes.remove(new Endpoint(own.host(), own.raftPort()), new Endpoint(dial.host(), dial.raftPort()));
        });
        rpcServer.shutdown();
        resources.pipelines().close();
        awaitPortReleased();
        if (forwarder != null) {
            forwarder.close();
        }
        scheduler.shutdownNow();
        readExecutor.shutdown();
        try {
            readExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeLogStore();
        LOG.info("registry of node {} shut down", config.nodeId());
    }

    /**
     * Quiet groups (on unless the quiet election timeout equals the election timeout): the node pings its peers
     * every tenth of the election timeout and suspects one unheard for an election timeout; the pacer applies that
     * to every replica at the ping rate. See {@link ElectionPacer}.
     */
    private void createPacing() {
        RaftSettings s = config.settings();
        if (!s.quietGroups() || !NodeInternals.AVAILABLE) {
            // without NodeInternals a leader would heartbeat at JRaft's own period of the short timeout: safe, not quiet
            this.pacer = ElectionPacer.OFF;
            return;
        }
        Duration tick = Duration.ofMillis(Math.max(1, s.electionTimeout().toMillis() / 10));
        this.liveness = new NodeLiveness(config.nodeId(), config.addressResolver(), tick, s.electionTimeout());
        this.pacer = new ElectionPacer(liveness, config.addressResolver(), s, tick);
    }

    private void stopPacing() {
        pacer.close();
        if (liveness != null) {
            liveness.close();
            liveness = null;
        }
    }

    /** What the node's groups share (for tests of this package). */
    NodeResources resources() {
        return resources;
    }

    /** The node's view of which peers answer; empty with quiet groups off. */
    public Optional<NodeLiveness> liveness() {
        return Optional.ofNullable(liveness);
    }

    ElectionPacer pacer() {
        return pacer;
    }

    private SharedLogStore openLogStore() {
        Path dir = config.dataDir().resolve(SHARED_LOG_DIR);
        if (config.settings().logStore() == RaftLogStore.PER_GROUP) {
            // The logs of this node's groups are in the shared store; per-group logs would start empty and
            // the node would answer for entries it no longer has.
            Preconditions.checkState(!Files.exists(dir), "node %s keeps its Raft logs in the shared "
                    + "store %s; it cannot start with raft.log-store=per-group", config.nodeId(), dir);
            return null;
        }
        try {
            return SharedLogStore.open(dir, config.settings().logStoreMemtableBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Raft log store of node " + config.nodeId(), e);
        }
    }

    private void closeLogStore() {
        if (sharedLog != null) {
            sharedLog.close();
            sharedLog = null;
        }
    }

    /** The node's shared Raft log store, if it uses one. */
    public Optional<SharedLogStore> sharedLogStore() {
        return Optional.ofNullable(sharedLog);
    }

    /**
     * SOFABolt closes its listening channel asynchronously (its synchronous stop waits out a 2 s quiet
     * period instead); shutdown returns once the Raft port can be bound again, so a Registry restarted in the
     * same process (an embedding host reloading, or a test) does not fail with "address already in use".
     */
    private void awaitPortReleased() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress(config.bindHost(), config.raftPort()));
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.warn("Raft port {}:{} of node {} still in use 5 s after shutdown", config.bindHost(), config.raftPort(),
                config.nodeId());
    }

    @Override
    public void close() {
        shutdown();
    }

    public boolean isStarted() {
        return started;
    }

    private void checkStarted() {
        if (!started) {
            throw ReplicationException.unavailable("registry of node " + config.nodeId() + " is not running");
        }
    }

    /** The index's Raft manager, created and started on first use. */
    public IndexRaft getOrCreateRaft(String index) {
        Names.checkName("index", index);
        checkStarted();
        return indices.computeIfAbsent(index, i -> {
            IndexRaft raft = new IndexRaft(config.indexRaftConfig(i), resources);
            raft.start();
            return raft;
        });
    }

    public Optional<IndexRaft> getRaft(String index) {
        return Optional.ofNullable(indices.get(index));
    }

    /** The index's Raft manager, or NOT_FOUND naming the index. */
    public IndexRaft requireRaft(String index) {
        IndexRaft raft = indices.get(index);
        if (raft == null) {
            throw ReplicationException.notFound("index '" + index + "' is not on node " + config.nodeId());
        }
        return raft;
    }

    /**
     * Deletes the index on this node: drops every shard group (stopping it, then purging its log, meta,
     * snapshots and host files) and removes the index's directory under {@code dataDir}.
     */
    public boolean deleteRaft(String index) {
        IndexRaft raft = indices.remove(index);
        routers.remove(index);
        if (raft == null) {
            return false;
        }
        for (String shard : raft.stores().keySet()) {
            raft.dropStore(shard);
        }
        raft.shutdown();
        try {
            Directories.deleteRecursively(indexDir(index));
        } catch (IOException e) {
            throw new UncheckedIOException("index " + index + " stopped but " + indexDir(index) + " not deleted", e);
        }
        LOG.info("deleted index {} on node {}", index, config.nodeId());
        return true;
    }

    /** Unloads the index on this node: every group stops, all state stays on disk for a later reload. */
    public boolean unloadRaft(String index) {
        IndexRaft raft = indices.remove(index);
        routers.remove(index);
        if (raft == null) {
            return false;
        }
        raft.shutdown();
        return true;
    }

    /** Where a shard's data lives by default: {@code dataDir/<index>/<shard>}. */
    public Path dataPath(String index, String shard) {
        return indexDir(Names.checkName("index", index)).resolve(Names.checkName("shard", shard));
    }

    private Path indexDir(String index) {
        return config.dataDir().resolve(index);
    }

    public Optional<ShardStore> getStore(String index, String shard) {
        return getRaft(index).flatMap(r -> r.getStore(shard));
    }

    /** The store, or NOT_FOUND naming the index or shard that is missing. */
    public ShardStore requireStore(String index, String shard) {
        return requireRaft(index).requireStore(shard);
    }

    /** The index's Router (one per index), sharing this node's forwarding client and executors. */
    public Router router(String index) {
        checkStarted();
        IndexRaft raft = requireRaft(index);
        return routers.computeIfAbsent(index, i -> new Router(raft, forwarder, scheduler, readExecutor));
    }

    public boolean isLeader(String index, String shard) {
        return getRaft(index).map(r -> r.isLeader(shard)).orElse(false);
    }

    public CompletableFuture<Long> verifyLeaderForRead(String index, String shard, Duration timeout) {
        try {
            return requireRaft(index).verifyLeaderForRead(shard, timeout);
        } catch (ReplicationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public Optional<NodeAddress> leaderAddress(String index, String shard) {
        return getRaft(index).flatMap(r -> r.leaderAddress(shard));
    }

    public Optional<String> leader(String index, String shard) {
        return getRaft(index).flatMap(r -> r.leader(shard));
    }

    /** Per index (sorted), the state of every shard replica on this node. */
    public Map<String, List<ShardStats>> stats() {
        Map<String, List<ShardStats>> out = new LinkedHashMap<>();
        new TreeMap<>(indices).forEach((name, raft) -> out.put(name, raft.stats()));
        return out;
    }

    /** Every shard replica on this node, flattened. */
    public List<ShardStats> allShardStats() {
        List<ShardStats> all = new ArrayList<>();
        stats().values().forEach(all::addAll);
        return all;
    }
}

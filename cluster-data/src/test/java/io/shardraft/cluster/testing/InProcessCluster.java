package io.shardraft.cluster.testing;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.cluster.data.IndexRaft;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.data.RaftSettings;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.data.RegistryConfig;
import io.shardraft.cluster.data.ShardStore;
import io.shardraft.cluster.data.StaticAddressResolver;
import io.shardraft.cluster.rpc.ShardReplicationClient;
import io.shardraft.cluster.rpc.ShardReplicationServer;
import io.shardraft.cluster.spi.HostShardFactory;
import io.shardraft.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * N nodes in one JVM, each a real {@link Registry} (JRaft RPC on its own loopback port) and a real gRPC
 * server serving ShardReplicationService, with data under a test directory. Nodes can be stopped and
 * restarted with their data; indexes created through the cluster are re-opened on restart, as a host's
 * index layer would.
 */
public final class InProcessCluster implements AutoCloseable {
    public static final String HOST = "127.0.0.1";

    private final Path baseDir;
    private final RaftSettings settings;
    private final HostShardFactory hostShards;
    private final StaticAddressResolver resolver;
    private final List<String> ids = new ArrayList<>();
    private final Map<String, Registry> registries = new LinkedHashMap<>();
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private final Map<String, ShardReplicationServer> services = new LinkedHashMap<>();
    private final Map<String, CallCounter> calls = new LinkedHashMap<>();
    private final Map<String, Integer> indexes = new LinkedHashMap<>();
    private volatile io.shardraft.cluster.data.PeerRoutes routes = io.shardraft.cluster.data.PeerRoutes.NONE;

    public InProcessCluster(Path baseDir, int nodes, RaftSettings settings, HostShardFactory hostShards) {
        this.baseDir = baseDir;
        this.settings = settings;
        this.hostShards = hostShards;
        int[] ports = FreePorts.allocate(nodes * 2);
        Map<String, NodeAddress> addrs = new LinkedHashMap<>();
        for (int i = 0; i < nodes; i++) {
            String id = "node" + (i + 1);
            ids.add(id);
            addrs.put(id, new NodeAddress(HOST, ports[2 * i], ports[2 * i + 1]));
            calls.put(id, new CallCounter());
        }
        this.resolver = new StaticAddressResolver(addrs);
    }

    /** Test settings: 1 s elections, quiet groups as by default (10 s, 1 s heartbeats), 10 s apply and retry budget. */
    public static RaftSettings testSettings() {
        return RaftSettings.builder()
                .electionTimeout(Duration.ofMillis(1000))
                .leaderLeaseTimeout(Duration.ofMillis(900))
                .applyTimeout(Duration.ofSeconds(10))
                .retryBudget(Duration.ofSeconds(10))
                .build();
    }

    /** An object with a random id and empty properties: a write that any shard accepts. */
    public static ObjectData newObject() {
        return ObjectData.newBuilder().setId(UUID.randomUUID().toString()).setPropertiesJson("{}").build();
    }

    public static InProcessCluster startMemory(Path baseDir, int nodes) {
        InProcessCluster c = new InProcessCluster(baseDir, nodes, testSettings(), (i, s, d) -> new MemoryHostShard());
        c.startAll();
        return c;
    }

    /** Routes every node's connections to the given peers (e.g. through proxies); applies to nodes started next. */
    public void routeThrough(Map<String, NodeAddress> dial) {
        this.routes = new io.shardraft.cluster.data.PeerRoutes(dial);
    }

    public void startAll() {
        ids.forEach(this::start);
    }

    public synchronized void start(String id) {
        if (registries.containsKey(id)) {
            return;
        }
        startWithoutIndexes(id);
        openIndexes(id);
    }

    /** Starts a node (registry and gRPC server) without opening the indexes' groups: {@link #openIndexes} does. */
    public synchronized void startWithoutIndexes(String id) {
        if (registries.containsKey(id)) {
            return;
        }
        NodeAddress a = resolver.resolve(id).orElseThrow();
        Registry registry = new Registry(RegistryConfig.builder()
                .nodeId(id)
                .addressResolver(resolver)
                .dataDir(baseDir.resolve(id))
                .settings(settings)
                .rpcClientMaker(ShardReplicationClient::forRegistry)
                .hostShardFactory(hostShards)
                .peerRoutes(routesFor(id))
                .build());
        registry.start();
        ShardReplicationServer service = new ShardReplicationServer(registry);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(HOST, a.grpcPort()))
                .maxInboundMessageSize(settings.maxMessageBytes())
                .addService(ServerInterceptors.intercept(service, calls.get(id)))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            registry.shutdown();
            throw new UncheckedIOException("gRPC server of " + id + " did not start on " + a.grpcTarget(), e);
        }
        registries.put(id, registry);
        servers.put(id, server);
        services.put(id, service);
    }

    /** Opens every index's groups on a running node. */
    public synchronized void openIndexes(String id) {
        indexes.forEach((index, shards) -> openIndex(id, index, shards));
    }

    private io.shardraft.cluster.data.PeerRoutes routesFor(String id) {
        Map<String, NodeAddress> dial = new LinkedHashMap<>(routes.dial());
        dial.remove(id);
        return new io.shardraft.cluster.data.PeerRoutes(dial);
    }

    /** Stops a node as a crash-free shutdown would: gRPC server, then the registry (groups unloaded). */
    public void stop(String id) {
        Server server;
        Registry r;
        synchronized (this) {
            server = servers.remove(id);
            services.remove(id);
            r = registries.remove(id);
        }
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (r != null) {
            r.shutdown();
        }
    }

    /** Creates the index with {@code shards} shards ("shard-0".."shard-N-1"), every node a replica. */
    public synchronized void createIndex(String index, int shards) {
        indexes.put(index, shards);
        registries.keySet().forEach(id -> openIndex(id, index, shards));
    }

    /** Forgets the index (so restarts do not re-open it) and deletes it on every running node. */
    public synchronized void deleteIndex(String index) {
        indexes.remove(index);
        registries.values().forEach(r -> r.deleteRaft(index));
    }

    private void openIndex(String id, String index, int shards) {
        Registry r = registries.get(id);
        IndexRaft raft = r.getOrCreateRaft(index);
        for (int s = 0; s < shards; s++) {
            String shard = shardName(s);
            raft.getOrCreateStore(shard, ids, r.dataPath(index, shard));
        }
    }

    public static String shardName(int i) {
        return "shard-" + i;
    }

    public List<String> nodeIds() {
        return List.copyOf(ids);
    }

    public synchronized List<String> running() {
        return List.copyOf(registries.keySet());
    }

    public synchronized Registry registry(String id) {
        Registry r = registries.get(id);
        if (r == null) {
            throw new IllegalStateException(id + " is not running");
        }
        return r;
    }

    public ShardReplicationServer service(String id) {
        return services.get(id);
    }

    public CallCounter calls(String id) {
        return calls.get(id);
    }

    public StaticAddressResolver resolver() {
        return resolver;
    }

    public NodeAddress address(String id) {
        return resolver.resolve(id).orElseThrow();
    }

    public Path dataDir(String id) {
        return baseDir.resolve(id);
    }

    public RaftSettings settings() {
        return settings;
    }

    public ShardStore store(String id, String index, String shard) {
        return registry(id).getStore(index, shard).orElseThrow(() ->
                new IllegalStateException(index + "/" + shard + " not on " + id));
    }

    public MemoryHostShard memoryShard(String id, String index, String shard) {
        return (MemoryHostShard) store(id, index, shard).shard().orElseThrow();
    }

    /** Waits until exactly one running node leads the shard and every running node agrees; returns it. */
    public String awaitLeader(String index, String shard, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> leader = agreedLeader(index, shard);
            if (leader.isPresent()) {
                return leader.get();
            }
            sleep(20);
        }
        throw new AssertionError("no agreed leader for " + index + "/" + shard + " within " + timeout + ": "
                + registries.values().stream().map(r -> r.getStore(index, shard).map(s -> s.stats().toString())
                        .orElse("absent")).toList());
    }

    private synchronized Optional<String> agreedLeader(String index, String shard) {
        List<ShardStore> replicas = new ArrayList<>();
        for (Registry r : registries.values()) {
            Optional<ShardStore> s = r.getStore(index, shard);
            if (s.isEmpty()) {
                return Optional.empty();
            }
            replicas.add(s.get());
        }
        return AgreedLeader.among(replicas);
    }

    /** Waits until every running replica of the shard has applied at least {@code logIndex}. */
    public void awaitApplied(String index, String shard, long logIndex, Duration timeout) {
        awaitTrue(() -> running().stream().allMatch(id -> store(id, index, shard).lastAppliedIndex() >= logIndex),
                timeout, () -> "replicas of " + index + "/" + shard + " did not all apply " + logIndex + ": "
                        + running().stream().map(id -> id + "=" + store(id, index, shard).lastAppliedIndex()).toList());
    }

    public static void awaitTrue(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            sleep(20);
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError(what.get());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        // in parallel: each node's Raft RPC server takes its shutdown quiet period (about 2 s)
        running().parallelStream().forEach(id -> {
            try {
                stop(id);
            } catch (RuntimeException e) {
                // keep stopping the others
                e.printStackTrace();
            }
        });
    }
}

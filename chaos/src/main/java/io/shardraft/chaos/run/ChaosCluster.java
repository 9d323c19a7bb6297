package io.shardraft.chaos.run;

import io.shardraft.node.JvmSignals;
import io.shardraft.testkit.LinkProxies;
import io.shardraft.testkit.ToxiproxyServer;
import io.shardraft.testkit.FreePorts;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.shardraft.api.v1.AdminServiceGrpc;
import io.shardraft.api.v1.ClusterStatusRequest;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.ReplicaStatus;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Three (or more) node JVMs on 127.0.0.1 whose every node-to-node connection goes through a Toxiproxy proxy per
 * directed link and port kind: node i reaches node j's Raft port and gRPC port only through the proxies
 * {@code i->j raft} and {@code i->j grpc}, set in node i's {@code cluster.routes}. Clients (the workload) talk
 * to every node directly. {@link #close()} stops every node and the Toxiproxy server.
 */
public final class ChaosCluster implements AutoCloseable {

    /** Node-process and Raft settings of a chaos cluster. */
    public record Settings(List<String> jvmArgs, Map<String, String> nodeProperties, Duration startTimeout) {
        public static Settings defaults() {
            return new Settings(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:-UsePerfData"),
                    Map.of("raft.election-timeout-ms", "1000",
                            "raft.apply-timeout-ms", "5000"),
                    Duration.ofSeconds(60));
        }
    }

    private final Path dir;
    private final Settings settings;
    private final List<String> ids = new ArrayList<>();
    private final Map<String, Integer> raftPorts = new HashMap<>();
    private final Map<String, Integer> clientPorts = new HashMap<>();
    private LinkProxies proxies;
    private final Map<String, Process> processes = new HashMap<>();
    private final Map<String, ManagedChannel> channels = new HashMap<>();
    private final ToxiproxyServer toxiproxy;
    private final String classPath;
    private final Thread shutdownHook;
    private int toxicCounter;

    private ChaosCluster(Path dir, int nodes, Settings settings, String classPath) {
        this.dir = dir;
        this.settings = settings;
        this.classPath = classPath;
        for (int i = 1; i <= nodes; i++) {
            String id = "node" + i;
            ids.add(id);
            raftPorts.put(id, FreePorts.allocate());
            clientPorts.put(id, FreePorts.allocate());
        }
        this.toxiproxy = ToxiproxyServer.start();
        // a runner stopped by a signal leaves neither nodes nor its Toxiproxy server behind
        this.shutdownHook = new Thread(() -> {
            killAllQuietly();
            toxiproxy.close();
        }, "chaos-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Creates the proxies and node configs under {@code dir} and starts every node, waiting until all are SERVING.
     * {@code classPath}: the node's classpath ({@code null}: this JVM's).
     */
    public static ChaosCluster start(Path dir, int nodes, Settings settings, String classPath) {
        ChaosCluster cluster = new ChaosCluster(dir, nodes, settings,
                classPath != null ? classPath : System.getProperty("java.class.path"));
        try {
            cluster.createProxies();
            cluster.writeConfigs();
            for (String id : cluster.ids) {
                cluster.launch(id);
            }
            for (String id : cluster.ids) {
                cluster.awaitServing(id);
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public List<String> nodeIds() {
        return List.copyOf(ids);
    }

    public String clientAddress(String id) {
        return "127.0.0.1:" + clientPorts.get(id);
    }

    public Path logFile(String id) {
        return dir.resolve(id + ".log");
    }

    /** A direct (unproxied) client channel to the node. */
    public synchronized ManagedChannel channel(String id) {
        return channels.computeIfAbsent(id, k -> NettyChannelBuilder.forAddress("127.0.0.1", clientPorts.get(k))
                .usePlaintext().maxInboundMessageSize(64 << 20).build());
    }

    public synchronized boolean isRunning(String id) {
        Process p = processes.get(id);
        return p != null && p.isAlive();
    }

    public synchronized List<String> runningNodes() {
        return ids.stream().filter(this::isRunning).toList();
    }

    private void createProxies() {
        Map<String, LinkProxies.NodePorts> ports = new LinkedHashMap<>();
        ids.forEach(id -> ports.put(id, new LinkProxies.NodePorts(raftPorts.get(id), clientPorts.get(id))));
        proxies = LinkProxies.create(toxiproxy, ports);
    }

    private void writeConfigs() {
        String peers = ids.stream().map(id -> id + "@127.0.0.1:" + raftPorts.get(id) + ":" + clientPorts.get(id))
                .collect(Collectors.joining(","));
        for (String id : ids) {
            String routes = proxies.routes(id);
            Map<String, String> config = new LinkedHashMap<>();
            config.put("node.id", id);
            config.put("node.host", "127.0.0.1");
            config.put("node.bind", "127.0.0.1");
            config.put("node.client-port", String.valueOf(clientPorts.get(id)));
            config.put("node.raft-port", String.valueOf(raftPorts.get(id)));
            config.put("cluster.peers", peers);
            config.put("cluster.routes", routes);
            config.put("data.dir", dir.resolve(id).toAbsolutePath().toString());
            config.putAll(settings.nodeProperties());
            StringBuilder text = new StringBuilder("# chaos node " + id + "\n");
            config.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            try {
                Files.createDirectories(dir.resolve(id));
                Files.writeString(configFile(id), text.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Path configFile(String id) {
        return dir.resolve(id + ".properties");
    }

    private synchronized void launch(String id) {
        if (isRunning(id)) {
            throw new IllegalStateException(id + " already runs");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.jvmArgs());
        command.add("-cp");
        command.add(classPath);
        command.add("io.shardraft.node.NodeMain");
        command.add("--config");
        command.add(configFile(id).toAbsolutePath().toString());
        Path log = logFile(id);
        try {
            Files.writeString(log, "==== chaos: starting " + id + " at " + Instant.now() + " ====\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().keySet().removeIf(name -> name.startsWith("SHARDRAFT_"));
            JvmSignals.applyTo(builder.environment());
            processes.put(id, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + id, e);
        }
    }

    /** Waits until the node answers SERVING on its health service; fails if it exits or the start timeout passes. */
    public void awaitServing(String id) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        ManagedChannel probe = NettyChannelBuilder.forAddress("127.0.0.1", clientPorts.get(id)).usePlaintext().build();
        try {
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                Process p;
                synchronized (this) {
                    p = processes.get(id);
                }
                if (p == null || !p.isAlive()) {
                    throw new IllegalStateException(id + " exited while starting (log: " + logFile(id) + ")");
                }
                try {
                    ServingStatus status = HealthGrpc.newBlockingStub(probe).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus();
                    if (status == ServingStatus.SERVING) {
                        return;
                    }
                    last = status.name();
                } catch (StatusRuntimeException e) {
                    last = e.getStatus().getCode().name();
                }
                Sleep.millis(100);
            }
            throw new IllegalStateException(id + " not SERVING after " + settings.startTimeout() + ": " + last
                    + " (log: " + logFile(id) + ")");
        } finally {
            probe.shutdownNow();
        }
        }

    // ---- process faults ----

    /** SIGKILL: the node dies at once, nothing flushed beyond what it already made durable. */
    public void kill(String id) {
        Process p;
        synchronized (this) {
            p = processes.get(id);
        }
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly(); // SIGKILL on Linux
        waitFor(p, Duration.ofSeconds(10));
    }

    /** SIGTERM and wait for the node's orderly shutdown (SIGKILL after the grace period). */
    public void stop(String id) {
        Process p;
        synchronized (this) {
            p = processes.get(id);
        }
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy(); // SIGTERM
        if (!waitFor(p, Duration.ofSeconds(20))) {
            p.destroyForcibly();
            waitFor(p, Duration.ofSeconds(10));
        }
    }

    /** Starts a stopped or killed node with its config and data and waits until it is SERVING. */
    public void start(String id) {
        launch(id);
        awaitServing(id);
        ManagedChannel c;
        synchronized (this) {
            c = channels.get(id);
        }
        if (c != null) {
            c.resetConnectBackoff();
        }
    }

    /** Same as {@link #start}: the node comes back with the same config, ports and data. */
    public void restart(String id) {
        if (isRunning(id)) {
            stop(id);
        }
        start(id);
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    // ---- network faults ----

    private List<Proxy> linksTouching(Collection<String> nodes) {
        return proxies.touching(nodes);
    }

    private List<Proxy> allProxies() {
        return proxies.all();
    }

    /** Cuts every link into and out of {@code node} (Raft and gRPC); clients still reach it directly. */
    public void isolate(String node) {
        for (Proxy p : linksTouching(Set.of(node))) {
            io(() -> p.disable());
        }
    }

    /** Cuts every link between {@code minority} and the other nodes, both directions. */
    public void partition(Set<String> minority) {
        proxies.byLink().forEach((link, p) -> {
            if (minority.contains(link.from()) != minority.contains(link.to())) {
                p.forEach(proxy -> io(proxy::disable));
            }
        });
    }

    /** Latency with jitter on every link, both directions. */
    public void latency(long millis, long jitterMillis) {
        for (Proxy p : allProxies()) {
            for (ToxicDirection d : ToxicDirection.values()) {
                io(() -> p.toxics().latency(toxicName("latency"), d, millis).setJitter(jitterMillis));
            }
        }
    }

    /** A bandwidth limit on every link, both directions. */
    public void bandwidth(long kbPerSecond) {
        for (Proxy p : allProxies()) {
            for (ToxicDirection d : ToxicDirection.values()) {
                io(() -> p.toxics().bandwidth(toxicName("bandwidth"), d, kbPerSecond));
            }
        }
    }

    /** A black hole on the directed link {@code from → to} (Raft and gRPC): data is dropped, connections hang. */
    public void timeout(String from, String to) {
        for (Proxy p : proxies.byLink().get(new LinkProxies.Link(from, to))) {
            io(() -> p.toxics().timeout(toxicName("timeout"), ToxicDirection.UPSTREAM, 0));
        }
    }

    /** TCP RST after {@code afterMillis} on every connection into and out of {@code node}. */
    public void resetPeer(String node, long afterMillis) {
        for (Proxy p : linksTouching(Set.of(node))) {
            io(() -> p.toxics().resetPeer(toxicName("reset"), ToxicDirection.UPSTREAM, afterMillis));
        }
    }

    /** Delays the close of every connection on every link by {@code delayMillis}. */
    public void slowClose(long delayMillis) {
        for (Proxy p : allProxies()) {
            for (ToxicDirection d : ToxicDirection.values()) {
                io(() -> p.toxics().slowClose(toxicName("slowclose"), d, delayMillis));
            }
        }
    }

    /** Enables every proxy and removes every toxic. Does not restart nodes. */
    public void heal() {
        for (Proxy p : allProxies()) {
            io(() -> {
                for (Toxic t : p.toxics().getAll()) {
                    t.remove();
                }
                p.enable();
            });
        }
        synchronized (this) {
            channels.values().forEach(ManagedChannel::resetConnectBackoff);
        }
    }

    private synchronized String toxicName(String kind) {
        return kind + "-" + (++toxicCounter);
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- status ----

    /** Per node id, how many shards of indexes named {@code index…} it leads, as a live node reports it. */
    public Map<String, Integer> leaderCounts(String index) {
        for (String id : runningNodes()) {
            try {
                ClusterStatusResponse status = AdminServiceGrpc.newBlockingStub(channel(id))
                        .withDeadlineAfter(3, TimeUnit.SECONDS).clusterStatus(ClusterStatusRequest.getDefaultInstance());
                Map<String, Integer> counts = new TreeMap<>();
                for (ReplicaStatus r : status.getReplicasList()) {
                    if (r.getIndex().startsWith(index) && r.getRole().equals("LEADER")) {
                        counts.merge(r.getNodeId(), 1, Integer::sum);
                    }
                }
                return counts;
            } catch (StatusRuntimeException e) {
                // try the next node
            }
        }
        return Map.of();
    }

    /** The node that leads most shards of {@code index} (waits up to 20 s for leaders to be known). */
    public String mostLeadingNode(String index) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Optional<Map.Entry<String, Integer>> best = leaderCounts(index).entrySet().stream()
                    .max(Map.Entry.comparingByValue());
            if (best.isPresent()) {
                return best.get().getKey();
            }
            Sleep.millis(200);
        }
        throw new IllegalStateException("no leader known for " + index);
    }

    /** A node that leads no shard of {@code index}, else the one leading fewest. */
    public String leastLeadingNode(String index) {
        Map<String, Integer> counts = leaderCounts(index);
        return ids.stream().min((a, b) -> Integer.compare(counts.getOrDefault(a, 0), counts.getOrDefault(b, 0)))
                .orElseThrow();
    }

    // ---- shutdown ----

    private void killAllQuietly() {
        for (Process p : processes.values()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            channels.values().forEach(ManagedChannel::shutdownNow);
            channels.clear();
        }
        List<Thread> stoppers = new ArrayList<>();
        for (String id : ids) {
            Thread t = new Thread(() -> {
                try {
                    stop(id);
                } catch (RuntimeException e) {
                    kill(id);
                }
            }, "stop-" + id);
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join(40_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        killAllQuietly();
        toxiproxy.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}

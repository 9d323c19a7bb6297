package io.shardraft.node.cli;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.shardraft.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cluster of node processes on this machine, described by {@code DIR/cluster.json}: node {@code nodeN} keeps
 * its data in {@code DIR/nodeN}, its configuration in {@code DIR/nodeN.properties} and its output in
 * {@code DIR/nodeN.log}. Every change to the processes holds {@code DIR/.lock}.
 */
final class LocalCluster {

    private static final Duration LOCK_WAIT = Duration.ofSeconds(10);
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(250);

    private final Path dir;
    private final LauncherSettings settings;
    private final Consumer<String> progress;

    LocalCluster(Path dir, LauncherSettings settings, Consumer<String> progress) {
        this.dir = dir.toAbsolutePath().normalize();
        this.settings = settings;
        this.progress = progress;
    }

    Path dir() {
        return dir;
    }

    Optional<ClusterFile> file() {
        return ClusterFile.read(dir);
    }

    ClusterFile requireFile() {
        return file().orElseThrow(() -> new CliException("no local cluster in " + dir
                + " (start one with `shardraft cluster up`" + dataHint() + ")"));
    }

    private String dataHint() {
        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        return relative.equals(CommonOptions.DEFAULT_DATA_DIR) ? "" : " --data " + relative;
    }

    List<NodeEntry> runningNodes() {
        return file().map(f -> f.nodes().stream().filter(NodeProcess::isRunning).toList()).orElse(List.of());
    }

    /**
     * Creates and starts a cluster of {@code nodes} nodes (default 3), or restarts the nodes of the existing one that
     * are down, then waits until every node is SERVING. Fails when every node already runs. With {@code toxiproxy}
     * (a new cluster only), every node-to-node connection goes through a Toxiproxy proxy per directed link
     * ({@link ClusterProxies}).
     */
    ClusterFile up(Integer nodes, Map<String, String> nodeSettings) {
        return up(nodes, nodeSettings, false);
    }

    ClusterFile up(Integer nodes, Map<String, String> nodeSettings, boolean toxiproxy) {
        try (ClusterLock ignored = ClusterLock.acquire(dir, LOCK_WAIT)) {
            Optional<ClusterFile> existing = file();
            ClusterFile cluster;
            if (existing.isPresent()) {
                cluster = existing.get();
                if (nodes != null && nodes != cluster.nodes().size()) {
                    throw new CliException(dir + " holds a " + cluster.nodes().size() + "-node cluster, not " + nodes
                            + " (use another --data, or `shardraft cluster down --purge` first)");
                }
                if (!nodeSettings.isEmpty() && !nodeSettings.equals(cluster.settings())) {
                    throw new CliException("--set applies only when a cluster is created; " + dir + " already holds one");
                }
                Optional<ClusterProxies> proxies = ClusterProxies.read(dir);
                if (toxiproxy && proxies.isEmpty()) {
                    throw new CliException("--toxiproxy applies only when a cluster is created; " + dir
                            + " already holds one without it");
                }
                List<NodeEntry> down = cluster.nodes().stream().filter(n -> !NodeProcess.isRunning(n)).toList();
                if (down.isEmpty()) {
                    throw new CliException("a cluster is already running in " + dir + " ("
                            + cluster.nodes().stream().map(n -> n.id() + " at " + n.clientAddress())
                            .collect(Collectors.joining(", ")) + ")");
                }
                progress.accept("restarting " + down.stream().map(NodeEntry::id).collect(Collectors.joining(", "))
                        + " of the cluster in " + dir);
                if (proxies.isPresent() && !proxies.get().isRunning()) {
                    if (down.size() < cluster.nodes().size()) {
                        throw new CliException("the Toxiproxy server of the cluster in " + dir + " is not running while "
                                + "some nodes are; run `shardraft cluster down`, then `up`");
                    }
                    startProxies(cluster);
                }
            } else {
                int count = nodes == null ? 3 : nodes;
                if (count < 1 || count > 99) {
                    throw new CliException("--nodes must be between 1 and 99, got " + count);
                }
                cluster = create(count, nodeSettings);
                cluster.write(dir);
                progress.accept("starting a " + count + "-node cluster in " + dir);
                if (toxiproxy) {
                    startProxies(cluster);
                }
            }
            return startAndAwait(cluster, cluster.nodes().stream().filter(n -> !NodeProcess.isRunning(n)).toList(), true);
        }
    }

    private void startProxies(ClusterFile cluster) {
        ClusterProxies proxies = ClusterProxies.start(dir, cluster);
        progress.accept("started Toxiproxy (pid " + proxies.pid() + ", API 127.0.0.1:" + proxies.apiPort()
                + "): a proxy per directed link, e.g. node1-node2-raft and node1-node2-grpc");
    }

    private ClusterFile create(int count, Map<String, String> nodeSettings) {
        List<Integer> ports = FreePorts.allocate(settings.host(), 2 * count);
        String classPath = RuntimeCopy.copy(settings.classPath(), dir);
        List<NodeEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "node" + (i + 1);
            Path config = dir.resolve(id + ".properties");
            List<String> command = new ArrayList<>();
            command.add(settings.java());
            command.addAll(LauncherSettings.NODE_JVM_DEFAULTS);
            command.addAll(settings.jvmArgs());
            command.add("-cp");
            command.add(classPath);
            command.add(settings.mainClass());
            command.add("--config");
            command.add(config.toString());
            entries.add(new NodeEntry(id, settings.host(), ports.get(2 * i), ports.get(2 * i + 1), 0, 0,
                    dir.resolve(id).toString(), dir.resolve(id + ".log").toString(), config.toString(), command));
        }
        return new ClusterFile(ClusterFile.FORMAT, new LinkedHashMap<>(nodeSettings), entries);
    }

    /** Stops every node: SIGTERM to all, then SIGKILL to those still running after the stop timeout. */
    void down(boolean purge) {
        try (ClusterLock ignored = ClusterLock.acquire(dir, LOCK_WAIT)) {
            ClusterFile cluster = requireFile();
            Map<String, ProcessHandle> running = new LinkedHashMap<>();
            for (NodeEntry node : cluster.nodes()) {
                NodeProcess.find(node).ifPresent(h -> running.put(node.id(), h));
            }
            running.forEach((id, handle) -> {
                progress.accept("stopping " + id + " (pid " + handle.pid() + ")");
                handle.destroy();
            });
            long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
            for (var entry : running.entrySet()) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!NodeProcess.awaitExit(entry.getValue(), left)) {
                    progress.accept(entry.getKey() + " did not stop within "
                            + StatusMessages.seconds(settings.stopTimeout()) + "; killing it");
                    entry.getValue().destroyForcibly();
                    if (!NodeProcess.awaitExit(entry.getValue(), Duration.ofSeconds(10))) {
                        throw new CliException(entry.getKey() + " (pid " + entry.getValue().pid() + ") survived SIGKILL");
                    }
                }
            }
            ClusterFile updated = cluster;
            for (NodeEntry node : cluster.nodes()) {
                updated = updated.withNode(node.withProcess(0, 0));
            }
            ClusterProxies.read(dir).ifPresent(proxies -> {
                progress.accept("stopping Toxiproxy (pid " + proxies.pid() + ")");
                proxies.stop(dir);
            });
            if (purge) {
                deleteTree(dir);
                progress.accept("removed " + dir);
            } else {
                updated.write(dir);
            }
        }
    }

    /** SIGTERM and wait (SIGKILL after the stop timeout). */
    void stop(String id) {
        signal(id, false);
    }

    /** SIGKILL and wait. */
    void kill(String id) {
        signal(id, true);
    }

    private void signal(String id, boolean kill) {
        try (ClusterLock ignored = ClusterLock.acquire(dir, LOCK_WAIT)) {
            ClusterFile cluster = requireFile();
            NodeEntry node = cluster.node(id);
            ProcessHandle handle = NodeProcess.find(node)
                    .orElseThrow(() -> new CliException("node " + id + " is not running"));
            if (kill) {
                handle.destroyForcibly();
            } else {
                handle.destroy();
            }
            Duration wait = kill ? Duration.ofSeconds(10) : settings.stopTimeout();
            if (!NodeProcess.awaitExit(handle, wait)) {
                if (kill) {
                    throw new CliException(id + " (pid " + handle.pid() + ") survived SIGKILL");
                }
                progress.accept(id + " did not stop within " + StatusMessages.seconds(wait) + "; killing it");
                handle.destroyForcibly();
                if (!NodeProcess.awaitExit(handle, Duration.ofSeconds(10))) {
                    throw new CliException(id + " (pid " + handle.pid() + ") survived SIGKILL");
                }
            }
            if (!kill) {
                cluster.withNode(node.withProcess(0, 0)).write(dir);
            }
        }
    }

    /** Restarts a stopped node with its config, ports and data, and waits until it is SERVING. */
    NodeEntry start(String id) {
        try (ClusterLock ignored = ClusterLock.acquire(dir, LOCK_WAIT)) {
            ClusterFile cluster = requireFile();
            NodeEntry node = cluster.node(id);
            if (NodeProcess.isRunning(node)) {
                throw new CliException("node " + id + " is already running (pid " + node.pid() + ")");
            }
            return startAndAwait(cluster, List.of(node), false).node(id);
        }
    }

    /** Starts {@code toStart}, then waits until they (with {@code awaitAll}: every node of the cluster) are SERVING. */
    private ClusterFile startAndAwait(ClusterFile cluster, List<NodeEntry> toStart, boolean awaitAll) {
        Map<String, Process> started = new LinkedHashMap<>();
        try {
            for (NodeEntry node : toStart) {
                writeConfig(cluster, node);
                Process process = NodeProcess.start(node);
                started.put(node.id(), process);
                cluster = cluster.withNode(node.withProcess(process.pid(), NodeProcess.startedAtMillis(process.toHandle())));
                progress.accept("started " + node.id() + " (pid " + process.pid() + ", client " + node.clientAddress()
                        + ", raft " + node.raftAddress() + ", log " + node.logFile() + ")");
            }
            cluster.write(dir);
            ClusterFile current = cluster;
            awaitServing(awaitAll ? cluster.nodes() : toStart.stream().map(n -> current.node(n.id())).toList(), started);
            return cluster;
        } catch (RuntimeException e) {
            // leave no half-started process behind
            for (Process process : started.values()) {
                process.destroyForcibly();
            }
            for (Process process : started.values()) {
                NodeProcess.awaitExit(process.toHandle(), Duration.ofSeconds(10));
            }
            throw e;
        }
    }

    /** Waits until every one of {@code nodes} answers SERVING; a node that exits meanwhile fails the wait. */
    private void awaitServing(List<NodeEntry> nodes, Map<String, Process> started) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        Map<String, String> lastState = new HashMap<>();
        List<NodeEntry> waiting = new ArrayList<>(nodes);
        Map<String, NodeClient> clients = new HashMap<>();
        try {
            while (!waiting.isEmpty()) {
                for (var it = waiting.iterator(); it.hasNext(); ) {
                    NodeEntry node = it.next();
                    Process process = started.get(node.id());
                    if (process != null && !process.isAlive()) {
                        throw new CliException(node.id() + " exited with code " + process.exitValue()
                                + " while starting: " + NodeProcess.lastWords(node) + " (log: " + node.logFile() + ")");
                    }
                    if (process == null && !NodeProcess.isRunning(node)) {
                        throw new CliException(node.id() + " stopped while the cluster was starting: "
                                + NodeProcess.lastWords(node) + " (log: " + node.logFile() + ")");
                    }
                    NodeClient client = clients.computeIfAbsent(node.id(),
                            k -> new NodeClient(node.clientAddress(), PROBE_DEADLINE));
                    try {
                        ServingStatus status = client.health(PROBE_DEADLINE);
                        lastState.put(node.id(), status.name());
                        if (status == ServingStatus.SERVING) {
                            progress.accept(node.id() + " is serving at " + node.clientAddress());
                            it.remove();
                        }
                    } catch (StatusRuntimeException e) {
                        lastState.put(node.id(), e.getStatus().getCode().name());
                    }
                }
                if (waiting.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException("not ready after " + StatusMessages.seconds(settings.startTimeout()) + ": "
                            + waiting.stream().map(n -> n.id() + " (" + lastState.getOrDefault(n.id(), "no answer")
                                    + ", log " + n.logFile() + ")").collect(Collectors.joining(", ")));
                }
                sleep(POLL);
            }
        } finally {
            clients.values().forEach(NodeClient::close);
        }
    }

    /** Writes the node's properties file from cluster.json (so the file always matches what the CLI records). */
    void writeConfig(ClusterFile cluster, NodeEntry node) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("node.id", node.id());
        config.put("node.host", node.host());
        config.put("node.bind", node.host());
        config.put("node.client-port", String.valueOf(node.clientPort()));
        config.put("node.raft-port", String.valueOf(node.raftPort()));
        config.put("cluster.peers", cluster.peers());
        config.put("data.dir", node.dataDir());
        ClusterProxies.read(dir).ifPresent(proxies -> config.put("cluster.routes", proxies.routes().get(node.id())));
        config.putAll(cluster.settings());
        try {
            Files.createDirectories(Path.of(node.dataDir()));
            Files.writeString(Path.of(node.configFile()), NodeProperties.format(config,
                    "shardraft node " + node.id() + ", written by `shardraft cluster up` from " + ClusterFile.NAME),
                    StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + node.configFile() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}

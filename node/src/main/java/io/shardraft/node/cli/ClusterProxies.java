package io.shardraft.node.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.shardraft.testkit.LinkProxies;
import io.shardraft.testkit.ToxiproxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DIR/toxiproxy.json}: the Toxiproxy server of a local cluster started with {@code cluster up --toxiproxy}
 * (on 127.0.0.1, its output in {@code DIR/toxiproxy.log}) and each node's {@code cluster.routes} through its
 * proxies, one per directed link and protocol ({@link LinkProxies}: {@code node1-node2-raft},
 * {@code node1-node2-grpc}, …). {@code cluster down} stops the server.
 *
 * @param apiPort          the server's HTTP API port on 127.0.0.1 (for {@code toxiproxy-cli -h 127.0.0.1:PORT})
 * @param pid              its process id
 * @param startedAtMillis  its start time (tells it apart from a later process with a reused pid)
 * @param routes           node id → that node's {@code cluster.routes}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ClusterProxies(int apiPort, long pid, long startedAtMillis, Map<String, String> routes) {

    static final String NAME = "toxiproxy.json";

    ClusterProxies {
        routes = Map.copyOf(routes);
    }

    /** Starts a Toxiproxy server and the proxies between every two nodes of {@code cluster}; records them in DIR. */
    static ClusterProxies start(Path dir, ClusterFile cluster) {
        ToxiproxyServer server;
        try {
            server = ToxiproxyServer.startDetached(dir.resolve("toxiproxy.log"));
        } catch (IllegalStateException | UncheckedIOException e) {
            throw new CliException("cannot start Toxiproxy: " + e.getMessage(), e);
        }
        try {
            Map<String, LinkProxies.NodePorts> ports = new LinkedHashMap<>();
            cluster.nodes().forEach(n -> ports.put(n.id(), new LinkProxies.NodePorts(n.raftPort(), n.clientPort())));
            LinkProxies proxies = LinkProxies.create(server, ports);
            Map<String, String> routes = new LinkedHashMap<>();
            ports.keySet().forEach(id -> routes.put(id, proxies.routes(id)));
            ClusterProxies recorded = new ClusterProxies(server.port(), server.process().pid(),
                    NodeProcess.startedAtMillis(server.process()), routes);
            Files.writeString(dir.resolve(NAME), CliJson.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(recorded) + System.lineSeparator());
            return recorded;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    static Optional<ClusterProxies> read(Path dir) {
        Path file = dir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(CliJson.MAPPER.readValue(file.toFile(), ClusterProxies.class));
        } catch (IOException e) {
            throw new CliException(file + " is not a valid Toxiproxy record: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> startedAtMillis == 0 || NodeProcess.startedAtMillis(h) == 0
                        || Math.abs(NodeProcess.startedAtMillis(h) - startedAtMillis) < 2000);
    }

    boolean isRunning() {
        return process().isPresent();
    }

    /** Stops the server (SIGTERM, then SIGKILL) and forgets it. */
    void stop(Path dir) {
        process().ifPresent(h -> {
            h.destroy();
            if (!NodeProcess.awaitExit(h, Duration.ofSeconds(5))) {
                h.destroyForcibly();
                NodeProcess.awaitExit(h, Duration.ofSeconds(5));
            }
        });
        try {
            Files.deleteIfExists(dir.resolve(NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir.resolve(NAME) + ": " + e.getMessage(), e);
        }
    }
}

package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster up --toxiproxy}: real node JVMs whose every node-to-node connection goes through a real
 * Toxiproxy proxy per directed link, so cutting the proxies cuts replication; {@code cluster down} stops
 * Toxiproxy too.
 */
class ToxiproxyClusterTest {
    @TempDir
    Path dir;

    CliRun cli(String... args) {
        return CliRun.of(Stream.concat(Arrays.stream(args), Stream.of("--data", dir.toString())).toArray(String[]::new));
    }

    CliRun ok(String... args) {
        CliRun r = cli(args);
        assertEquals(0, r.exitCode(), () -> String.join(" ", args) + " failed: " + r.err() + r.out());
        return r;
    }

    @Test
    void everyNodeToNodeLinkGoesThroughItsOwnProxy() throws Exception {
        long toxiproxyPid = 0;
        try {
            ok("cluster", "up", "--nodes", "3", "--toxiproxy");
            ClusterProxies proxies = ClusterProxies.read(dir).orElseThrow();
            toxiproxyPid = proxies.pid();
            ToxiproxyClient toxiproxy = new ToxiproxyClient("127.0.0.1", proxies.apiPort());
            List<Proxy> all = toxiproxy.getProxies();
            Set<String> names = all.stream().map(Proxy::getName).collect(Collectors.toSet());
            assertEquals(12, names.size(), "two proxies (raft, grpc) per directed link of 3 nodes: " + names);
            assertTrue(names.containsAll(Set.of("node1-node2-raft", "node1-node2-grpc", "node3-node1-raft")), names::toString);
            Set<String> listenPorts = all.stream().map(p -> p.getListen().substring(p.getListen().lastIndexOf(':') + 1))
                    .collect(Collectors.toSet());
            for (String node : List.of("node1", "node2", "node3")) {
                String routes = properties(node).getProperty("cluster.routes");
                assertEquals(proxies.routes().get(node), routes, node + "'s routes");
                for (String route : routes.split(",")) {
                    String[] parts = route.substring(route.indexOf('@') + 1).split(":");
                    assertTrue(listenPorts.contains(parts[1]) && listenPorts.contains(parts[2]),
                            node + " dials " + route + " through the proxies");
                }
            }

            // generous deadlines: node JVMs on a busy 2-core machine
            ok("index", "create", "routed", "--shards", "1", "--replicas", "3", "--dims", "2", "--timeout", "120");
            ok("put", "routed", "--id", UUID.randomUUID().toString(), "--props", "{}", "--vector", "1,2",
                    "--timeout", "60");
            ok("check", "routed", "--timeout", "120");

            // no proxy, no replication: a write cannot commit (the client still reaches a node directly)
            for (Proxy p : all) {
                p.disable();
            }
            CliRun cut = cli("put", "routed", "--id", UUID.randomUUID().toString(), "--props", "{}", "--vector", "1,2",
                    "--timeout", "5");
            assertNotEquals(0, cut.exitCode(), () -> "a write committed with every link cut: " + cut.out());
            for (Proxy p : all) {
                p.enable();
            }
            ok("put", "routed", "--id", UUID.randomUUID().toString(), "--props", "{}", "--vector", "1,2",
                    "--timeout", "60");
        } finally {
            cli("cluster", "down");
        }
        long pid = toxiproxyPid;
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "toxiproxy " + pid + " left running");
        assertTrue(ClusterProxies.read(dir).isEmpty(), "toxiproxy.json removed");
    }

    private Properties properties(String node) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dir.resolve(node + ".properties"))));
        return p;
    }
}

package io.shardraft.node.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks docker-compose-raft.yml, its chaos override, the Toxiproxy proxies and the Dockerfile without a
 * Docker engine: services, volumes, health checks, ports, and that every SHARDRAFT_* name is one NodeMain reads.
 */
class ComposeFileTest {

    /**
     * The configuration keys of a node (the node process contract). Mirrors NodeConfig's keys; to be
     * replaced by NodeConfig's own constant once NodeMain's loader is merged.
     */
    /** The keys NodeMain reads (the real constant, so the compose file cannot drift from the code). */
    static final Set<String> CONFIG_KEYS = Set.copyOf(io.shardraft.node.NodeConfigLoader.KEYS);

    /** Keys every node service sets in the compose file (the rest keep their defaults). */
    static final Set<String> REQUIRED_KEYS = Set.of(
            "node.id", "node.host", "node.bind", "node.client-port", "node.raft-port", "cluster.peers", "data.dir");

    static final List<String> NODES = List.of("node1", "node2", "node3");
    static final String TOXIPROXY = "toxiproxy";
    static final String TOXIPROXY_IMAGE = "ghcr.io/shopify/toxiproxy:2.12.0";
    static final Pattern PEER = Pattern.compile("([A-Za-z0-9_.-]+)@([A-Za-z0-9_.-]+):(\\d{1,5}):(\\d{1,5})");

    static final Path ROOT = findRoot();
    static final Path COMPOSE = ROOT.resolve("docker-compose-raft.yml");
    static final Path CHAOS = ROOT.resolve("docker-compose-raft.chaos.yml");
    static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

    record Peer(String id, String host, int raftPort, int clientPort) {
        static Peer parse(String entry) {
            Matcher m = PEER.matcher(entry.trim());
            assertTrue(m.matches(), () -> "peer entry is not id@host:raftPort:clientPort: '" + entry + "'");
            Peer p = new Peer(m.group(1), m.group(2), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
            assertTrue(p.raftPort > 0 && p.raftPort < 65536 && p.clientPort > 0 && p.clientPort < 65536,
                    () -> "port out of range in " + entry);
            return p;
        }
    }

    /** SHARDRAFT_ + key upper-cased, '.' and '-' → '_'. */
    static String envName(String key) {
        return io.shardraft.node.NodeConfigLoader.envName(key);
    }

    static final Map<String, String> KEY_BY_ENV = CONFIG_KEYS.stream()
            .collect(Collectors.toMap(ComposeFileTest::envName, k -> k));

    @Test
    void envNamesFollowTheOverrideRule() {
        assertEquals("SHARDRAFT_NODE_CLIENT_PORT", envName("node.client-port"));
        assertEquals("SHARDRAFT_RAFT_SNAPSHOT_INTERVAL_S", envName("raft.snapshot-interval-s"));
        assertEquals(CONFIG_KEYS.size(), KEY_BY_ENV.size(), "two keys map to the same environment name");
    }

    @Test
    void threeNodeServicesWithVolumesAndHealthChecks() throws IOException {
        Map<String, Object> compose = load(COMPOSE);
        Map<String, Object> services = map(compose.get("services"), "services");
        Map<String, Object> volumes = map(compose.get("volumes"), "top-level volumes");
        Set<String> usedVolumes = new HashSet<>();
        for (String node : NODES) {
            Map<String, Object> svc = map(services.get(node), "service " + node);
            assertTrue(svc.containsKey("build") || svc.containsKey("image"), node + " has neither build nor image");
            String dataDir = environment(svc, node).get(envName("data.dir"));
            assertNotNull(dataDir, node + " sets no " + envName("data.dir"));

            String mounted = null;
            for (Object v : list(svc.get("volumes"), node + ".volumes")) {
                String[] parts = String.valueOf(v).split(":");
                if (parts.length >= 2 && parts[1].equals(dataDir)) {
                    mounted = parts[0];
                }
            }
            assertNotNull(mounted, node + " mounts no volume at its data dir " + dataDir);
            assertTrue(volumes.containsKey(mounted), node + "'s volume " + mounted + " is not a named volume");
            assertTrue(usedVolumes.add(mounted), "volume " + mounted + " is shared by two nodes");

            Map<String, Object> hc = map(svc.get("healthcheck"), node + ".healthcheck");
            assertFalse(Boolean.TRUE.equals(hc.get("disable")), node + " disables its health check");
            List<Object> test = list(hc.get("test"), node + ".healthcheck.test");
            assertTrue(test.size() >= 2 && List.of("CMD", "CMD-SHELL").contains(test.get(0)),
                    node + ": health check test should be [CMD, ...] or [CMD-SHELL, ...], got " + test);
        }
    }

    @Test
    void everyShardraftEnvNameIsAConfigKey() throws IOException {
        for (Map<String, Object> compose : List.of(load(COMPOSE), chaosMerged())) {
            Map<String, Object> services = map(compose.get("services"), "services");
            for (Map.Entry<String, Object> e : services.entrySet()) {
                Map<String, String> env = environment(map(e.getValue(), e.getKey()), e.getKey());
                for (String name : env.keySet()) {
                    if (name.startsWith("SHARDRAFT_")) {
                        assertTrue(KEY_BY_ENV.containsKey(name), e.getKey() + " sets " + name
                                + ", which is no config key; known: " + new TreeSet<>(KEY_BY_ENV.keySet()));
                    }
                }
                if (NODES.contains(e.getKey())) {
                    for (String key : REQUIRED_KEYS) {
                        assertTrue(env.containsKey(envName(key)), e.getKey() + " does not set " + envName(key));
                    }
                }
            }
        }
    }

    @Test
    void imageDefaultsUseConfigKeysOnly() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("docker/node.properties"))) {
            p.load(r);
        }
        for (String key : p.stringPropertyNames()) {
            assertTrue(CONFIG_KEYS.contains(key), "docker/node.properties sets unknown key " + key);
        }
    }

    @Test
    void peerListsNameEveryNodeByItsService() throws IOException {
        checkPeers(load(COMPOSE), false);
    }

    @Test
    void chaosPeerListsGoThroughToxiproxy() throws IOException {
        checkPeers(chaosMerged(), true);
    }

    /** Every node: id = service, the same peer list as the others, its own entry = its host and ports. */
    private static void checkPeers(Map<String, Object> compose, boolean viaToxiproxy) {
        Map<String, Object> services = map(compose.get("services"), "services");
        String firstList = null;
        for (String node : NODES) {
            Map<String, String> env = environment(map(services.get(node), node), node);
            assertEquals(node, env.get(envName("node.id")), node + ": node id differs from the service name");

            String raw = env.get(envName("cluster.peers"));
            assertNotNull(raw, node + " has no peer list");
            // A peer's host:raftPort is its JRaft identity: every node must hold the identical list.
            if (firstList == null) {
                firstList = raw;
            } else {
                assertEquals(firstList, raw, node + "'s peer list differs from " + NODES.get(0) + "'s");
            }
            Map<String, Peer> peers = new LinkedHashMap<>();
            for (String entry : raw.split(",")) {
                Peer p = Peer.parse(entry);
                assertTrue(peers.put(p.id(), p) == null, node + ": peer " + p.id() + " listed twice");
            }
            assertEquals(Set.copyOf(NODES), peers.keySet(), node + ": the peer list must name exactly the nodes");

            Set<String> endpoints = new HashSet<>();
            for (Peer p : peers.values()) {
                String expectedHost = viaToxiproxy ? TOXIPROXY : p.id();
                assertEquals(expectedHost, p.host(), node + ": peer " + p.id() + " has host " + p.host());
                assertTrue(services.containsKey(p.host()), node + ": peer host " + p.host() + " is no service");
                assertNotEquals(p.raftPort(), p.clientPort(), "peer " + p.id() + " uses one port twice");
                assertTrue(endpoints.add(p.host() + ":" + p.raftPort()), "endpoint collision at raft port of " + p);
                assertTrue(endpoints.add(p.host() + ":" + p.clientPort()), "endpoint collision at client port of " + p);
            }

            Peer self = peers.get(node);
            assertEquals(self.host(), env.get(envName("node.host")), node + ": advertised host != own peer entry");
            assertEquals(String.valueOf(self.raftPort()), env.get(envName("node.raft-port")),
                    node + ": raft port != own peer entry");
            assertEquals(String.valueOf(self.clientPort()), env.get(envName("node.client-port")),
                    node + ": client port != own peer entry");
            if (viaToxiproxy) {
                // the node cannot bind the toxiproxy container's address
                assertEquals("0.0.0.0", env.get(envName("node.bind")), node + " must bind 0.0.0.0 behind toxiproxy");
            }
        }
    }

    @Test
    void toxiproxyProxiesEveryNodePort() throws IOException {
        Map<String, Object> compose = chaosMerged();
        Map<String, Object> services = map(compose.get("services"), "services");
        Map<String, Object> toxi = map(services.get(TOXIPROXY), TOXIPROXY);
        assertEquals(TOXIPROXY_IMAGE, toxi.get("image"));

        List<String> command = list(toxi.get("command"), "toxiproxy.command").stream().map(String::valueOf).toList();
        assertTrue(command.contains("-host=0.0.0.0"), "toxiproxy must listen on 0.0.0.0 for its API: " + command);
        String configPath = command.stream().filter(c -> c.startsWith("-config=")).findFirst()
                .map(c -> c.substring("-config=".length())).orElseThrow(() -> new AssertionError("no -config"));
        String source = null;
        for (Object v : list(toxi.get("volumes"), "toxiproxy.volumes")) {
            String[] parts = String.valueOf(v).split(":");
            if (parts.length >= 2 && parts[1].equals(configPath)) {
                source = parts[0];
            }
        }
        assertEquals("./chaos/toxiproxy-compose.json", source, "toxiproxy's -config file is not the chaos proxies");

        JsonNode proxies = new ObjectMapper().readTree(ROOT.resolve("chaos/toxiproxy-compose.json").toFile());
        assertTrue(proxies.isArray(), "the proxies config is a JSON array");
        Map<Integer, String> upstreamByListenPort = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (JsonNode p : proxies) {
            String name = p.path("name").asText();
            assertTrue(names.add(name), "proxy name used twice: " + name);
            assertTrue(p.path("enabled").asBoolean(false), "proxy " + name + " starts disabled");
            String listen = p.path("listen").asText();
            int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
            assertTrue(upstreamByListenPort.put(port, p.path("upstream").asText()) == null,
                    "two proxies listen on port " + port);
        }

        for (String node : NODES) {
            Map<String, String> env = environment(map(services.get(node), node), node);
            for (String entry : env.get(envName("cluster.peers")).split(",")) {
                Peer p = Peer.parse(entry);
                assertEquals(p.id() + ":" + p.raftPort(), upstreamByListenPort.get(p.raftPort()),
                        "toxiproxy:" + p.raftPort() + " must forward to " + p.id() + "'s raft port");
                assertEquals(p.id() + ":" + p.clientPort(), upstreamByListenPort.get(p.clientPort()),
                        "toxiproxy:" + p.clientPort() + " must forward to " + p.id() + "'s client port");
            }
            Object dependsOn = map(services.get(node), node).get("depends_on");
            assertTrue(dependsOn instanceof Map<?, ?> m ? m.containsKey(TOXIPROXY)
                            : dependsOn instanceof List<?> l && l.contains(TOXIPROXY),
                    node + " must depend on toxiproxy in the chaos variant");
        }
        // the base file keeps toxiproxy out of a plain `up`
        Map<String, Object> base = map(map(load(COMPOSE).get("services"), "services").get(TOXIPROXY), TOXIPROXY);
        assertEquals(List.of("chaos"), base.get("profiles"));
    }

    @Test
    void onlyClientPortsArePublishedOnLoopbackWithoutCollisions() throws IOException {
        for (Map<String, Object> compose : List.of(load(COMPOSE), chaosMerged())) {
            Map<String, Object> services = map(compose.get("services"), "services");
            Set<Integer> hostPorts = new HashSet<>();
            for (Map.Entry<String, Object> e : services.entrySet()) {
                Map<String, Object> svc = map(e.getValue(), e.getKey());
                List<int[]> published = new ArrayList<>();
                for (Object port : svc.get("ports") == null ? List.of() : list(svc.get("ports"), e.getKey())) {
                    published.add(publishedPort(port, e.getKey()));
                }
                for (int[] hp : published) {
                    assertTrue(hostPorts.add(hp[0]), "host port " + hp[0] + " is published twice");
                }
                if (NODES.contains(e.getKey())) {
                    int client = Integer.parseInt(environment(svc, e.getKey()).get(envName("node.client-port")));
                    assertEquals(1, published.size(), e.getKey() + " publishes exactly its client port");
                    assertEquals(client, published.get(0)[1], e.getKey() + " publishes a port other than its client port");
                }
            }
        }
    }

    /** {@code [hostPort, containerPort]} of a published port; it must bind 127.0.0.1. */
    private static int[] publishedPort(Object port, String service) {
        if (port instanceof Map<?, ?> m) {
            assertEquals("127.0.0.1", String.valueOf(m.get("host_ip")), service + " publishes beyond 127.0.0.1");
            return new int[] {Integer.parseInt(String.valueOf(m.get("published"))),
                    Integer.parseInt(String.valueOf(m.get("target")))};
        }
        String s = String.valueOf(port).replaceFirst("/tcp$", "");
        String[] parts = s.split(":");
        assertEquals(3, parts.length, service + ": publish as 127.0.0.1:HOST:CONTAINER, got " + s);
        assertEquals("127.0.0.1", parts[0], service + " publishes beyond 127.0.0.1: " + s);
        return new int[] {Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
    }

    @Test
    void dockerfileRunsNodeMain() throws IOException {
        assertTrue(Files.isRegularFile(DOCKERFILE), "no Dockerfile at the repository root");
        // join continuation lines, drop comments
        String text = Files.readString(DOCKERFILE).replaceAll("\\\\\\r?\\n", " ");
        List<String> instructions = text.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        String entrypoint = instructions.stream().filter(l -> l.startsWith("ENTRYPOINT")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("the Dockerfile has no ENTRYPOINT"));
        assertTrue(entrypoint.contains("\"io.shardraft.node.NodeMain\""), "ENTRYPOINT does not run NodeMain: " + entrypoint);
        assertTrue(entrypoint.startsWith("ENTRYPOINT ["), "exec form keeps java as PID 1 (SIGTERM): " + entrypoint);
        assertTrue(entrypoint.contains("\"--config\""), "NodeMain needs --config FILE: " + entrypoint);
        assertTrue(instructions.stream().anyMatch(l -> l.startsWith("HEALTHCHECK") && l.contains("CMD")),
                "the Dockerfile has no HEALTHCHECK");
        // every local file the Dockerfile copies exists
        for (String l : instructions) {
            if (l.startsWith("COPY ") && !l.contains("--from=")) {
                String[] words = l.split("\\s+");
                for (int i = 1; i < words.length - 1; i++) {
                    assertTrue(Files.exists(ROOT.resolve(words[i])), "the Dockerfile copies missing " + words[i]);
                }
            }
        }
    }

    // ---- helpers ----

    private static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docker-compose-raft.yml"))) {
                return p;
            }
        }
        throw new AssertionError("docker-compose-raft.yml not found above " + Path.of("").toAbsolutePath());
    }

    static Map<String, Object> load(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), "missing " + file);
        try (Reader r = Files.newBufferedReader(file)) {
            Object doc = new Yaml(new LoaderOptions()).load(r);
            return map(doc, file.getFileName().toString());
        }
    }

    /** The base file with the chaos override applied the way Compose merges: maps key by key, lists appended. */
    static Map<String, Object> chaosMerged() throws IOException {
        return merge(load(COMPOSE), load(CHAOS));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        override.forEach((k, v) -> {
            Object b = out.get(k);
            if (b instanceof Map<?, ?> bm && v instanceof Map<?, ?> vm) {
                out.put(k, merge((Map<String, Object>) bm, (Map<String, Object>) vm));
            } else if (b instanceof List<?> bl && v instanceof List<?> vl) {
                List<Object> joined = new ArrayList<>(bl);
                joined.addAll(vl);
                out.put(k, joined);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** A service's environment, from either the map or the list form. */
    static Map<String, String> environment(Map<String, Object> service, String name) {
        Object env = service.get("environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env == null) {
            return out;
        }
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (env instanceof List<?> l) {
            for (Object o : l) {
                String s = String.valueOf(o);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        } else {
            fail(name + ".environment is neither a map nor a list");
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, () -> what + " is missing or not a mapping");
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, () -> what + " is missing or not a list");
        return (List<Object>) o;
    }
}

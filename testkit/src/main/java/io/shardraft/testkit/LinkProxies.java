package io.shardraft.testkit;

import eu.rekawek.toxiproxy.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Toxiproxy proxy per directed node-to-node link and protocol — {@code node1-node2-raft} and
 * {@code node1-node2-grpc} carry what node1 sends to node2 — so one link or one node can be cut, slowed or
 * reset. A node dials its peers through them when its {@code cluster.routes} is {@link #routes(String)}.
 * The chaos cluster and {@code shardraft cluster up --toxiproxy} both lay out their proxies this way.
 */
public final class LinkProxies {
    private static final String HOST = "127.0.0.1";

    /** A node's own ports on 127.0.0.1. */
    public record NodePorts(int raftPort, int grpcPort) {
    }

    /** What node {@code from} sends to node {@code to}. */
    public record Link(String from, String to) {
        public String name() {
            return from + "-" + to;
        }
    }

    private final Map<Link, List<Proxy>> proxies;

    private LinkProxies(Map<Link, List<Proxy>> proxies) {
        this.proxies = proxies;
    }

    /** Creates the proxies (each on a free 127.0.0.1 port) between every ordered pair of {@code nodes}. */
    public static LinkProxies create(ToxiproxyServer toxiproxy, Map<String, NodePorts> nodes) {
        Map<Link, List<Proxy>> proxies = new LinkedHashMap<>();
        nodes.forEach((from, ignored) -> nodes.forEach((to, ports) -> {
            if (!from.equals(to)) {
                Link link = new Link(from, to);
                proxies.put(link, List.of(
                        toxiproxy.proxy(link.name() + "-raft", HOST + ":" + ports.raftPort()),
                        toxiproxy.proxy(link.name() + "-grpc", HOST + ":" + ports.grpcPort())));
            }
        }));
        return new LinkProxies(proxies);
    }

    /** Node {@code from}'s {@code cluster.routes}: each peer at its two proxies, {@code id@host:raft:grpc,…}. */
    public String routes(String from) {
        return proxies.entrySet().stream().filter(e -> e.getKey().from().equals(from))
                .map(e -> e.getKey().to() + "@" + HOST + ":" + ToxiproxyServer.port(e.getValue().get(0)) + ":"
                        + ToxiproxyServer.port(e.getValue().get(1)))
                .collect(Collectors.joining(","));
    }

    /** The links and their proxies (Raft first, then gRPC), in creation order. */
    public Map<Link, List<Proxy>> byLink() {
        return proxies;
    }

    /** Every proxy of the links into or out of any of {@code nodes}. */
    public List<Proxy> touching(java.util.Collection<String> nodes) {
        List<Proxy> out = new ArrayList<>();
        proxies.forEach((link, p) -> {
            if (nodes.contains(link.from()) || nodes.contains(link.to())) {
                out.addAll(p);
            }
        });
        return out;
    }

    public List<Proxy> all() {
        return proxies.values().stream().flatMap(List::stream).toList();
    }
}

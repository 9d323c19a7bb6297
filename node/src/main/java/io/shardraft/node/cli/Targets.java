package io.shardraft.node.cli;

import java.util.List;

/** Which node(s) a command talks to: {@code --target}, else the nodes of the local cluster in {@code --data}. */
final class Targets {

    private Targets() {
    }

    /** --target, else the first running node of the local cluster (the first node if none runs). */
    static HostPort primary(CommonOptions options) {
        if (options.target != null) {
            return options.target;
        }
        ClusterFile cluster = requireCluster(options);
        return cluster.nodes().stream().filter(NodeProcess::isRunning).findFirst()
                .orElse(cluster.nodes().get(0)).clientAddress();
    }

    /** [--target], else every running node of the local cluster (every node if none runs). */
    static List<HostPort> all(CommonOptions options) {
        if (options.target != null) {
            return List.of(options.target);
        }
        ClusterFile cluster = requireCluster(options);
        List<NodeEntry> running = cluster.nodes().stream().filter(NodeProcess::isRunning).toList();
        return (running.isEmpty() ? cluster.nodes() : running).stream().map(NodeEntry::clientAddress).toList();
    }

    private static ClusterFile requireCluster(CommonOptions options) {
        return ClusterFile.read(options.dataDir).orElseThrow(() -> new CliException("no --target given and no local cluster in "
                + options.dataDir + " (start one with `shardraft cluster up`, or pass --target HOST:PORT)"));
    }
}

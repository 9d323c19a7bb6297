package io.shardraft.node.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shardraft cluster up|down}: the local cluster of node processes. */
@Command(name = "cluster", description = "Start or stop the local cluster.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class})
final class ClusterCommand extends ShardraftCli.Group {

    @Command(name = "up", description = {"Start N node processes on free 127.0.0.1 ports (or restart the nodes of "
            + "the cluster in --data that are down), wait until every node is SERVING, print their addresses."})
    static final class Up extends CliCommand {

        @Option(names = "--nodes", paramLabel = "N", description = "Number of nodes of a new cluster (default: 3).")
        Integer nodes;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Extra node configuration for a new cluster, e.g. raft.election-timeout-ms=1000 (repeatable).")
        Map<String, String> settings = new LinkedHashMap<>();

        @Option(names = "--toxiproxy", description = "Send every node-to-node connection of a new cluster through a "
                + "Toxiproxy proxy per directed link (node1-node2-raft, node1-node2-grpc, ...), on 127.0.0.1; "
                + "`cluster down` stops it.")
        boolean toxiproxy;

        @Option(names = "--jvm-opt", paramLabel = "ARG", description = "Extra JVM argument for each node (repeatable).")
        List<String> jvmArgs = List.of();

        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "120",
                description = "How long to wait for the nodes to be ready (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        @Override
        int run() {
            LocalCluster cluster = new LocalCluster(options.dataDir,
                    LauncherSettings.defaults().withJvmArgs(jvmArgs)
                            .withTimeouts(Duration.ofSeconds(Math.max(1, waitSeconds)), null),
                    options.json ? s -> { } : out()::println);
            ClusterFile file = cluster.up(nodes, settings, toxiproxy);
            if (options.json) {
                ObjectNode json = CliJson.object();
                json.put("dataDir", cluster.dir().toString());
                json.set("cluster", CliJson.MAPPER.valueToTree(file));
                ClusterProxies.read(cluster.dir()).ifPresent(p -> json.set("toxiproxy", CliJson.MAPPER.valueToTree(p)));
                printJson(json);
            } else {
                out().println("cluster in " + cluster.dir() + " is up:");
                for (NodeEntry node : file.nodes()) {
                    out().println("  " + node.id() + "  " + node.clientAddress());
                }
                ClusterProxies.read(cluster.dir()).ifPresent(p -> out().println("  node-to-node links through "
                        + "Toxiproxy, API 127.0.0.1:" + p.apiPort() + " (toxiproxy-cli -h 127.0.0.1:" + p.apiPort()
                        + " list)"));
            }
            return 0;
        }
    }

    @Command(name = "down", description = "Stop every node of the local cluster (SIGTERM, then SIGKILL after --grace).")
    static final class Down extends CliCommand {

        @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long to wait after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE}).")
        int graceSeconds;

        @Option(names = "--purge", description = "Also delete the cluster directory (all data and logs).")
        boolean purge;

        @Override
        int run() {
            LocalCluster cluster = new LocalCluster(options.dataDir,
                    LauncherSettings.defaults().withTimeouts(null, Duration.ofSeconds(Math.max(1, graceSeconds))),
                    options.json ? s -> { } : out()::println);
            cluster.down(purge);
            if (!options.json) {
                out().println("cluster in " + cluster.dir() + " is down" + (purge ? " and removed" : ""));
            }
            return 0;
        }
    }
}

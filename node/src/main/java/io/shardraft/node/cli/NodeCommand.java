package io.shardraft.node.cli;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shardraft node stop|kill|start ID}: one process of the local cluster. */
@Command(name = "node", description = "Stop, kill or restart one node of the local cluster.",
        subcommands = {NodeCommand.Stop.class, NodeCommand.Kill.class, NodeCommand.Start.class})
final class NodeCommand extends ShardraftCli.Group {

    @Command(name = "stop", description = "SIGTERM the node and wait until it exited (SIGKILL after --grace).")
    static final class Stop extends CliCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Node id, e.g. node2.")
        String id;

        @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long to wait after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE}).")
        int graceSeconds;

        @Override
        int run() {
            new LocalCluster(options.dataDir,
                    LauncherSettings.defaults().withTimeouts(null, Duration.ofSeconds(Math.max(1, graceSeconds))),
                    options.json ? s -> { } : out()::println).stop(id);
            out().println("stopped " + id);
            return 0;
        }
    }

    @Command(name = "kill", description = "SIGKILL the node (no clean shutdown).")
    static final class Kill extends CliCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Node id, e.g. node2.")
        String id;

        @Override
        int run() {
            localCluster().kill(id);
            out().println("killed " + id);
            return 0;
        }
    }

    @Command(name = "start", description = "Restart a stopped node with its config, ports and data; wait until SERVING.")
    static final class Start extends CliCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Node id, e.g. node2.")
        String id;

        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "120",
                description = "How long to wait for the node to be ready (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        @Override
        int run() {
            NodeEntry node = new LocalCluster(options.dataDir,
                    LauncherSettings.defaults().withTimeouts(Duration.ofSeconds(Math.max(1, waitSeconds)), null),
                    options.json ? s -> { } : out()::println).start(id);
            out().println(id + " is serving at " + node.clientAddress());
            return 0;
        }
    }
}

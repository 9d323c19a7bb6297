package io.shardraft.node;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The node process: {@code NodeMain [--config FILE]}. Configuration from the file and SHARDRAFT_*
 * environment overrides ({@link NodeConfigLoader}); a bad configuration prints one line on stderr and
 * exits 2. SIGTERM (or Ctrl-C) shuts the node down cleanly and exits 0; a restart with the same data
 * directory rejoins with its data.
 */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            } else {
                fail("unexpected argument '" + args[i] + "'; usage: NodeMain [--config FILE]");
            }
        }
        NodeConfig config;
        try {
            config = NodeConfigLoader.load(file, System.getenv());
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        ShardraftNode node;
        try {
            node = ShardraftNode.start(config);
        } catch (RuntimeException e) {
            System.err.println("shardraft-node: cannot start node " + config.nodeId() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            node.close();
            stopped.countDown();
        };
        // SIGTERM and Ctrl-C: stop cleanly and exit 0 (a JVM killed by a signal otherwise exits 143/130)
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                shutdown.run();
                org.apache.logging.log4j.LogManager.shutdown();
                Runtime.getRuntime().halt(0);
            });
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void fail(String message) {
        System.err.println("shardraft-node: " + message);
        System.exit(2);
    }
}

package io.shardraft.node.cli;

/** A stand-in process for launcher failure paths: exits at once like a node with a bad config, or never gets ready. */
public final class FailingNodeMain {

    private FailingNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getenv("SHARDRAFT_NODE_CLIENT_PORT") != null) {
            System.err.println("shardraft-node: the launcher leaked SHARDRAFT_ variables");
            System.exit(3);
        }
        if (args.length == 2 && args[1].contains("hang")) {
            Thread.sleep(600_000);
        }
        System.err.println("some log line");
        System.err.println("shardraft-node: node.raft-port: not a number");
        System.exit(2);
    }
}

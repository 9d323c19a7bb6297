package io.shardraft.bench;

import io.shardraft.node.cli.ShardraftCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh three-node shardraft cluster of node processes in {@code dir}, started and stopped through the CLI's own
 * {@code cluster up} / {@code cluster down --purge} (the same launcher as {@code shardraft cluster up}, node
 * defaults: the Raft log fsynced on every append), so a comparison never measures a cluster left over from
 * something else.
 */
final class LocalShardraft implements AutoCloseable {

    private final Path dir;
    private final ClusterConnection connection;

    private LocalShardraft(Path dir, ClusterConnection connection) {
        this.dir = dir;
        this.connection = connection;
    }

    /** Starts the nodes with {@code jvmFlags} after the launcher's defaults (e.g. a {@link JitMode}'s). */
    static LocalShardraft start(Path dir, int nodes, Duration timeout, List<String> jvmFlags) {
        List<String> args = new ArrayList<>(List.of("cluster", "up", "--data", dir.toString(), "--nodes",
                Integer.toString(nodes), "--wait", Long.toString(Math.max(60, 4 * timeout.toSeconds()))));
        jvmFlags.forEach(f -> args.add("--jvm-opt=" + f));
        CliResult up = cli(args.toArray(String[]::new));
        if (up.code() != 0) {
            cli("cluster", "down", "--grace", "10", "--data", dir.toString()); // the node logs stay for the error
            throw new IllegalStateException("the local shardraft cluster did not start (node logs in " + dir + "): "
                    + up.err().strip());
        }
        try {
            List<Address> seeds = LocalClusterSeeds.read(dir);
            return new LocalShardraft(dir, ClusterConnection.open(seeds, timeout));
        } catch (RuntimeException e) {
            cli("cluster", "down", "--grace", "10", "--data", dir.toString());
            throw e;
        }
    }

    ClusterConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        connection.close();
        CliResult down = cli("cluster", "down", "--purge", "--grace", "10", "--data", dir.toString());
        if (down.code() != 0) {
            throw new IllegalStateException("cannot stop the local shardraft cluster in " + dir + ": " + down.err().strip());
        }
    }

    private record CliResult(int code, String err) {
    }

    private static CliResult cli(String... args) {
        StringWriter err = new StringWriter();
        int code = ShardraftCli.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute(args);
        return new CliResult(code, err.toString());
    }
}

package io.shardraft.bench;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shardraft bench scale}: what thousands of shard groups cost each node. */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create many indexes (each shard its own Raft group on every replica) and report per node: "
                + "time to create, threads and live heap per group, idle CPU, idle loopback traffic, and put "
                + "throughput into one index versus spread over all of them.",
                "Per-node process figures need the nodes' pids, which the local cluster's cluster.json in --data "
                + "records (not available with --node). The indexes are dropped afterwards unless --keep."})
final class BenchScaleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--indexes", paramLabel = "N", defaultValue = "100",
            description = "Indexes to create (default: ${DEFAULT-VALUE}).")
    int indexes;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "3", description = "Shards per index (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "3",
            description = "Replicas per shard (default: ${DEFAULT-VALUE}).")
    int replicas;

    // A CreateIndex waits for every shard's first election (one to two election timeouts), so with few calls in flight
    // the figure is that wait, not the nodes' work: 60 indexes took 150 ms per group replica per node with 4 in flight,
    // 43-51 ms with 16 (and about the same with 32, where the nodes' CPU is the limit).
    @Option(names = "--parallel", paramLabel = "N", defaultValue = "16",
            description = "CreateIndex calls in flight at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--idle", paramLabel = "SECONDS", defaultValue = "20",
            description = "How long idle CPU and traffic are measured (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    // Right after creation a node is still collecting the creation's garbage (a concurrent GC cycle over the grown
    // heap, 40-60 s after the last index) and its groups are going idle; the second window measures the steady state.
    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "60",
            description = "After the first idle window, wait this long and measure idle CPU again for --idle "
                    + "seconds, the settled figure; 0 for no second window (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(names = "--write-seconds", paramLabel = "SECONDS", defaultValue = "10",
            description = "Length of each write phase, 0 for none (default: ${DEFAULT-VALUE}).")
    int writeSeconds;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "16",
            description = "Concurrent writers in the write phases (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--keep", description = "Keep the indexes after the run.")
    boolean keep;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Deadline of each call in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    ClusterOptions clusterOptions;

    @Override
    public Integer call() {
        ScaleConfig config;
        try {
            config = new ScaleConfig(indexes, shards, replicas, parallel, Duration.ofSeconds(idleSeconds),
                    Duration.ofSeconds(settleSeconds), Duration.ofSeconds(writeSeconds), clients,
                    "scale-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()), keep,
                    Duration.ofSeconds(Math.max(1, timeoutSeconds)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<Address> seeds = clusterOptions.seeds();
            Map<String, Long> pids = clusterOptions.localPids();
            ScaleResult result;
            try (ClusterConnection cluster = ClusterConnection.open(seeds, config.timeout());
                 ScaleBenchmark bench = new ScaleBenchmark(cluster, config, pids, json ? s -> { } : err::println)) {
                result = bench.run();
            }
            if (json) {
                out.println(result.jsonText());
            } else {
                result.printTable(out);
            }
            out.flush();
            return 0;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (StatusRuntimeException e) {
            return clusterOptions.fail(e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return clusterOptions.fail("interrupted", e);
        } catch (RuntimeException e) {
            return clusterOptions.fail(e.getMessage(), e);
        }
    }
}

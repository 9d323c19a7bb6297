package io.shardraft.bench;

import io.grpc.StatusRuntimeException;
import io.shardraft.bench.BenchConfig.Target;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shardraft bench run}: one workload at one or more client counts; a table, JSON, CSV and a plot. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a closed-loop load (N clients, each waiting for its answer before the next request) "
                + "against a cluster and report throughput and p50/p99/p999 latency per client count.",
                "Creates its own index (dropped afterwards unless --keep). A run ends after --duration or --ops "
                + "requests, whichever comes first (default: 10 s; at most 3600 s and 100000000 requests). "
                + "For import, ops/s counts objects and latencies are those of whole batches."})
final class BenchRunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "put",
            description = "put | import | merge | get-strong | get-eventual | search | mixed (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--clients", paramLabel = "N[,N...]", split = ",", defaultValue = "1",
            description = "Concurrent clients; several counts run one after the other (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Length of each measured phase (default 10 s).")
    Double durationSeconds;

    @Option(names = "--ops", paramLabel = "N", description = "Requests per measured phase.")
    Long ops;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "2",
            description = "Warm-up before each measured phase, not counted (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "100",
            description = "Objects per BatchPut of the import workload (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--props-bytes", paramLabel = "N", defaultValue = "256",
            description = "Size of each object's properties JSON in bytes (default: ${DEFAULT-VALUE}).")
    int propsBytes;

    @Option(names = "--dims", paramLabel = "D", defaultValue = "32",
            description = "Vector dimensions (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--target", paramLabel = "leader|spread", defaultValue = "leader",
            description = "leader: each request to its shard's leader; spread: round-robin over all nodes, "
                    + "writes forwarded (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000",
            description = "Objects pre-loaded for merge, get, search and mixed (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "3", description = "Shards of the index (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "3",
            description = "Replicas per shard (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--index", paramLabel = "NAME", description = "Name of the index to create (default: bench-<random>).")
    String index;

    @Option(names = "--keep", description = "Keep the index after the run.")
    boolean keep;

    @Option(names = "--coalesce", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Concurrent puts to a node share BatchPut calls, each with its own result (the client's "
                    + "PutCoalescer, as RheaKV's client batches); --no-coalesce sends each put as its own Put call "
                    + "(default: coalesce).")
    boolean coalesce;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the payload (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the results as CSV.")
    Path csv;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw throughput and p99 against clients as PNG.")
    Path plot;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Deadline of each call in seconds (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Mixin
    ClusterOptions clusterOptions;

    @Override
    public Integer call() {
        BenchConfig config = config();  // usage errors (exit 2) before anything runs
        List<Address> seedList = clusterOptions.seedOptions();  // a bad --node is a usage error too
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ClusterConnection cluster = ClusterConnection.open(seedList != null ? seedList : clusterOptions.localSeeds(),
                config.timeout());
             ProgressBar bar = new ProgressBar(err, System.console() != null && !json)) {
            List<RunStats> results;
            try (LoadGenerator generator = new LoadGenerator(cluster, config, bar, json ? s -> { } : err::println)) {
                generator.prepare();
                results = generator.runAll();
            }
            BenchReport report = new BenchReport(results);
            if (json) {
                out.println(report.jsonText());
            } else {
                report.printTable(out);
            }
            if (csv != null) {
                report.writeCsv(csv);
            }
            if (plot != null) {
                report.writePlot(plot);
            }
            RunStats failed = results.stream().filter(r -> r.requests() == 0).findFirst().orElse(null);
            if (failed != null) {
                return clusterOptions.fail("no " + failed.workload() + " request succeeded with " + failed.clients() + " clients: "
                        + failed.errorSummary() + " errors", null);
            }
            return 0;
        } catch (StatusRuntimeException e) {
            return clusterOptions.fail(LoadGenerator.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return clusterOptions.fail("interrupted", e);
        } catch (UncheckedIOException | IllegalStateException e) {
            return clusterOptions.fail(e.getMessage(), e);
        } catch (RuntimeException e) {
            return clusterOptions.fail(BenchCommands.describe(e), e);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return BenchCommands.usage(spec, message);
    }

    BenchConfig config() {
        Workload w;
        try {
            w = Workload.parse(workload);
        } catch (IllegalArgumentException e) {
            throw usage("--workload: " + e.getMessage());
        }
        Target t = switch (target) {
            case "leader" -> Target.LEADER;
            case "spread" -> Target.SPREAD;
            default -> throw usage("--target must be leader or spread, got '" + target + "'");
        };
        if (durationSeconds != null) {
            BenchCommands.checkDuration(spec, durationSeconds);
        }
        if (ops != null && (ops < 1 || ops > BenchConfig.MAX_REQUESTS)) {
            throw usage("--ops must be in 1.." + BenchConfig.MAX_REQUESTS + ", got " + ops);
        }
        BenchCommands.checkWarmupAndTimeout(spec, warmupSeconds, timeoutSeconds);
        Duration duration = durationSeconds != null ? seconds(durationSeconds)
                : ops != null ? BenchConfig.MAX_DURATION : Duration.ofSeconds(10);
        String name = index != null ? index
                : "bench-" + w.cliName() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try {
            return new BenchConfig(w, clients, duration, ops != null ? ops : BenchConfig.MAX_REQUESTS,
                    seconds(warmupSeconds), batch, new Payload(propsBytes, dims, seed), t, shards, replicas, keys, name,
                    keep, seconds(timeoutSeconds), coalesce);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static Duration seconds(double s) {
        return BenchCommands.seconds(s);
    }
}

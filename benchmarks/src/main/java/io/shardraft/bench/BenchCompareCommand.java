package io.shardraft.bench;

import io.grpc.StatusRuntimeException;
import io.shardraft.bench.ClosedLoop.OpFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shardraft bench compare}: shardraft, etcd and RheaKV in the same run, one after the other on this
 * machine, with the same generator, payload, key space and client counts; prints the figures and the ratios
 * shardraft / peer, and writes the result files and {@code benchmarks/RESULTS.md}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the same workloads against a fresh three-node shardraft cluster (node processes), a "
                + "three-member etcd (etcd-server processes) and a three-node RheaKV (one JVM per node), all on "
                + "127.0.0.1 free ports with fsync on and data in a temporary directory, one system after the other; "
                + "print throughput and p50/p99/p999 per workload, system and client count, and the ratios "
                + "shardraft / peer.",
                "Writes compare.json (with the machine's cores, memory and measured fsync latency), compare.csv "
                + "and compare.png into --results and the table into --results-md. search has no key-value "
                + "equivalent and runs for shardraft only. etcd must be installed (scripts/ensure-etcd)."})
final class BenchCompareCommand implements Callable<Integer> {

    /** Set by the {@code shardraft} script: the project's root, where the default result paths are. */
    static final String ROOT_ENV = "SHARDRAFT_ROOT";

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
            description = "Length of each measured phase (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--clients", paramLabel = "N[,N...]", split = ",", defaultValue = "1,8,64",
            description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--workloads", paramLabel = "W[,W...]", split = ",",
            defaultValue = "put,import,merge,get-strong,get-eventual",
            description = "Workloads (default: ${DEFAULT-VALUE}; also mixed, and search for shardraft only).")
    List<String> workloads;

    @Option(names = "--systems", paramLabel = "S[,S...]", split = ",", defaultValue = "shardraft,etcd,rheakv",
            description = "Systems to run (default: ${DEFAULT-VALUE}).")
    List<String> systems;

    // 5 s: with 2 s the first phase on a fresh cluster (put, 1 client) still ran with cold JITs
    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "5",
            description = "Warm-up before each measured phase, not counted (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--jit", paramLabel = "c2|c1", defaultValue = "c2", converter = JitMode.Converter.class,
            description = "JIT of the JVMs the comparison starts, shardraft's nodes and RheaKV's nodes and driver alike: "
                    + "c2, the JVM's default tiered compilation, as a server runs; c1, C1 only, which compiles with "
                    + "less CPU and runs slower code (default: ${DEFAULT-VALUE}).")
    JitMode jit;

    @Option(names = "--jit-warmup", paramLabel = "SECONDS", defaultValue = "30",
            description = "Warm-up of each workload, with the most clients of --clients, before its first phase: time "
                    + "for every JVM's JIT to compile that workload's code before anything counts; 0: none "
                    + "(default: ${DEFAULT-VALUE}).")
    double jitWarmupSeconds;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "100",
            description = "Puts per import batch / txn (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--props-bytes", paramLabel = "N", defaultValue = "256",
            description = "Bytes of properties JSON per object (default: ${DEFAULT-VALUE}).")
    int propsBytes;

    @Option(names = "--dims", paramLabel = "D", defaultValue = "32", description = "Vector dimensions (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000",
            description = "Keys pre-loaded for merge and get (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--node", paramLabel = "HOST:PORT", split = ",",
            description = "Measure this running shardraft cluster instead of starting a fresh one.")
    List<String> seedNodes;

    @Option(names = "--work", paramLabel = "DIR",
            description = "Where the clusters keep their data (default: a new temporary directory, deleted after a "
                    + "successful run).")
    Path workDir;

    @Option(names = "--results", paramLabel = "DIR",
            description = "Directory of compare.json/.csv/.png (default: benchmarks/results of the project).")
    Path resultsDir;

    @Option(names = "--results-md", paramLabel = "FILE",
            description = "Markdown table to write (default: benchmarks/RESULTS.md of the project).")
    Path resultsMd;

    @Option(names = "--no-results", description = "Write no result files.")
    boolean noResults;

    @Option(names = "--note", paramLabel = "TEXT", description = "A note for RESULTS.md (e.g. that the machine was shared).")
    String note;

    @Option(names = "--json", description = "Print the results as a JSON list on stdout.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Deadline of each call in seconds (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public Integer call() {
        CompareConfig config = config();
        List<Address> seeds = seeds();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> log = json ? s -> { } : err::println;
        boolean tempWork = workDir == null;
        Path work;
        try {
            work = tempWork ? Files.createTempDirectory("shardraft-compare-") : Files.createDirectories(workDir);
        } catch (IOException e) {
            return fail("cannot create the work directory: " + e.getMessage(), e);
        }
        boolean ok = false;
        try (ProgressBar bar = new ProgressBar(err, System.console() != null && !json)) {
            log.accept("measuring fsync latency in " + work);
            MachineFacts machine = MachineFacts.measure(work);
            log.accept("machine: " + machine.summary());
            List<ComparisonReport.Row> rows = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (String system : config.systems()) {
                try {
                    rows.addAll(switch (system) {
                        case BenchReport.SYSTEM -> runShardraft(config, seeds, work.resolve("shardraft"), bar, log);
                        case EtcdPeer.SYSTEM -> runEtcd(config, work.resolve("etcd"), bar, log);
                        case CompareConfig.RHEAKV -> runRheaKv(config, work.resolve("rheakv"), bar, log);
                        default -> throw new IllegalStateException("unknown system " + system);
                    });
                } catch (StatusRuntimeException e) {
                    failures.add(system + ": " + LoadGenerator.describe(e));
                } catch (OpFailure e) {
                    failures.add(system + ": pre-loading failed: " + e.code());
                } catch (IllegalStateException | UncheckedIOException e) {
                    // one system that cannot run (etcd not installed, a node that exits) does not lose the others
                    failures.add(system + ": " + e.getMessage());
                }
                if (!failures.isEmpty() && failures.get(failures.size() - 1).startsWith(system + ": ")) {
                    log.accept(failures.get(failures.size() - 1).replaceAll("\\s*\\R\\s*", " "));
                }
            }
            ComparisonReport report = new ComparisonReport(rows, machine, commandText(), note);
            if (json) {
                out.println(report.jsonListText());
            } else {
                report.printTable(out);
            }
            if (!noResults) {
                Path dir = resultsDir != null ? resultsDir : projectPath("benchmarks", "results");
                Path md = resultsMd != null ? resultsMd : projectPath("benchmarks", "RESULTS.md");
                report.writeFiles(dir, md);
                log.accept("results in " + dir.toAbsolutePath().normalize() + " and " + md.toAbsolutePath().normalize());
            }
            if (!failures.isEmpty()) {
                return fail(String.join("; ", failures), null);
            }
            ComparisonReport.Row failed = rows.stream().filter(r -> r.stats().requests() == 0).findFirst().orElse(null);
            if (failed != null) {
                return fail("no " + failed.stats().workload() + " request to " + failed.system() + " succeeded with "
                        + failed.stats().clients() + " clients: " + failed.stats().errorSummary() + " errors", null);
            }
            ok = true;
            return 0;
        } catch (StatusRuntimeException e) {
            return fail(LoadGenerator.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        } catch (UncheckedIOException | IllegalStateException e) {
            return fail(e.getMessage(), e);
        } catch (RuntimeException e) {
            return fail(BenchCommands.describe(e), e);
        } finally {
            if (tempWork && ok) {
                deleteTree(work);
            } else if (!ok) {
                err.println("shardraft: the clusters' data and logs are kept in " + work);
            }
            out.flush();
            err.flush();
        }
    }

    private List<ComparisonReport.Row> runShardraft(CompareConfig config, List<Address> seeds, Path dir, ProgressBar bar,
            Consumer<String> log) throws InterruptedException {
        List<ComparisonReport.Row> rows = new ArrayList<>();
        LocalShardraft local = null;
        ClusterConnection connection;
        if (seeds != null) {
            connection = ClusterConnection.open(seeds, config.timeout());
        } else {
            log.accept("shardraft: starting a three-node cluster in " + dir);
            local = LocalShardraft.start(dir, 3, config.timeout(), jit.jvmFlags());
            connection = local.connection();
        }
        try {
            for (Workload w : config.workloads()) {
                try (LoadGenerator g = new LoadGenerator(connection, config.benchConfig(w), bar,
                        s -> log.accept("shardraft: " + s))) {
                    g.prepare();
                    if (!config.jitWarmup().isZero()) {
                        log.accept("shardraft: warming " + w.cliName() + " up for the JITs with "
                                + config.jitWarmupClients() + " clients");
                        g.warmUp(config.jitWarmupClients(), config.jitWarmup());
                    }
                    g.runAll().forEach(r -> rows.add(new ComparisonReport.Row(BenchReport.SYSTEM, r)));
                }
            }
        } finally {
            if (local != null) {
                local.close();
            } else {
                connection.close();
            }
        }
        return rows;
    }

    private List<ComparisonReport.Row> runEtcd(CompareConfig config, Path dir, ProgressBar bar, Consumer<String> log)
            throws InterruptedException, OpFailure {
        log.accept("etcd: starting three members in " + dir);
        try (EtcdCluster cluster = EtcdCluster.start(dir, 3, Math.max(LoadGenerator.PRELOAD_BATCH, config.batch()), Duration.ofSeconds(60));
             EtcdPeer peer = new EtcdPeer(cluster, config.timeout())) {
            log.accept("etcd: " + peer.describe());
            return runPeer(peer, config, bar, log);
        }
    }

    private List<ComparisonReport.Row> runRheaKv(CompareConfig config, Path dir, ProgressBar bar, Consumer<String> log)
            throws InterruptedException {
        log.accept("rheakv: starting three node JVMs in " + dir);
        try (RheaKvCluster cluster = RheaKvCluster.start(dir, 3, jit.jvmFlags())) {
            List<ComparisonReport.Row> rows = new ArrayList<>();
            cluster.drive(config, bar, log).forEach(r -> rows.add(new ComparisonReport.Row(CompareConfig.RHEAKV, r)));
            cluster.checkAlive();
            return rows;
        }
    }

    private static List<ComparisonReport.Row> runPeer(KvPeer peer, CompareConfig config, ProgressBar bar,
            Consumer<String> log) throws InterruptedException, OpFailure {
        PeerLoad load = new PeerLoad(peer, config, bar, log);
        if (config.workloads().stream().anyMatch(Workload::needsPreload)) {
            load.preload();
        }
        List<ComparisonReport.Row> rows = new ArrayList<>();
        load.runAll().forEach(r -> rows.add(new ComparisonReport.Row(peer.system(), r)));
        return rows;
    }

    private int fail(String message, Throwable cause) {
        return BenchCommands.fail(spec, verbose, message, cause);
    }

    CompareConfig config() {
        List<Workload> ws = new ArrayList<>();
        for (String w : workloads) {
            try {
                ws.add(Workload.parse(w.strip()));
            } catch (IllegalArgumentException e) {
                throw BenchCommands.usage(spec, "--workloads: " + e.getMessage());
            }
        }
        BenchCommands.checkDuration(spec, durationSeconds);
        BenchCommands.checkWarmupAndTimeout(spec, warmupSeconds, timeoutSeconds);
        BenchCommands.checkWarmupAndTimeout(spec, jitWarmupSeconds, timeoutSeconds);
        try {
            return new CompareConfig(systems.stream().map(String::strip).toList(), ws, clients, seconds(durationSeconds),
                    seconds(warmupSeconds), seconds(jitWarmupSeconds), batch, new Payload(propsBytes, dims, 1), keys,
                    seconds(timeoutSeconds));
        } catch (IllegalArgumentException e) {
            throw BenchCommands.usage(spec, e.getMessage());
        }
    }

    private List<Address> seeds() {
        return BenchCommands.seeds(spec, seedNodes);
    }

    private static Duration seconds(double s) {
        return BenchCommands.seconds(s);
    }

    private static Path projectPath(String first, String... more) {
        String root = System.getenv(ROOT_ENV);
        return (root == null || root.isBlank() ? Path.of("") : Path.of(root)).resolve(Path.of(first, more));
    }

    /** The command line as a user would type it, for the result files. */
    private String commandText() {
        // originalArgs are those of the whole command line (bench compare ...), as typed after `shardraft`
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "shardraft " + args.stream().map(a -> a.matches("[\\w.,:/=@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing a finished run for
        }
    }
}

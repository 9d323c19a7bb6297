package io.shardraft.chaos.run;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.ConsistencyCheckRequest;
import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.AdminServiceGrpc;
import io.shardraft.api.v1.Consistency;
import io.shardraft.api.v1.CreateIndexRequest;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.IndexServiceGrpc;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.ReplicaChecksum;
import io.shardraft.api.v1.ShardCheck;
import io.shardraft.chaos.check.CheckReport;
import io.shardraft.chaos.check.Checker;
import io.shardraft.chaos.check.ReplicaCheck;
import io.shardraft.chaos.history.History;
import io.shardraft.chaos.history.HistoryRecorder;
import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.Outcome;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs scenarios, each on a fresh cluster: start three nodes behind per-link proxies, create the index, run the
 * workload with the fault in its middle part, heal, measure the recovery (heal → a successful write on every
 * shard), read the final values at STRONG, compare replica checksums, and check the history.
 *
 * <p>{@code ChaosRunner [--short] [--out DIR] [--only name,name]}: exit code 1 when any scenario fails.
 */
public final class ChaosRunner {

    /** How long the workload runs before, during and after the fault. */
    public record Timing(Duration warmup, Duration fault, Duration tail) {
        public static Timing shortForm() {
            return new Timing(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(8));
        }

        public static Timing fullForm() {
            return new Timing(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(10));
        }

        Duration total() {
            return warmup.plus(fault).plus(tail);
        }
    }

    public static final String INDEX = "chaos";
    public static final int SHARDS = 3;
    public static final int REPLICAS = 3;
    public static final int KEYS = 9;
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(60);

    private final Path outDir;
    private final Timing timing;
    private final Workload.Config workload;
    private final ChaosCluster.Settings settings;
    private final int historyCapacity;

    public ChaosRunner(Path outDir, Timing timing) {
        this(outDir, timing, Workload.Config.defaults(), ChaosCluster.Settings.defaults(), 20_000);
    }

    public ChaosRunner(Path outDir, Timing timing, Workload.Config workload, ChaosCluster.Settings settings,
                       int historyCapacity) {
        this.outDir = outDir;
        this.timing = timing;
        this.workload = workload;
        this.settings = settings;
        this.historyCapacity = historyCapacity;
    }

    /** Runs one scenario on a fresh cluster; never throws for a scenario failure (the result says it). */
    public ScenarioResult run(Scenario scenario) {
        ChaosLog log = new ChaosLog(scenario.name());
        long started = System.nanoTime();
        Path dir = outDir.resolve(scenario.name());
        HistoryRecorder recorder = new HistoryRecorder(historyCapacity);
        long recovery = -1;
        List<String> trace = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        CheckReport report = null;
        String error = null;
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            log.info("starting a fresh cluster in " + dir);
            try (ChaosCluster cluster = ChaosCluster.start(dir, 3, settings, null)) {
                createIndex(cluster, INDEX, SHARDS, REPLICAS, Duration.ofSeconds(60));
                List<String> probes = Workload.keys(SHARDS, SHARDS, 7);
                if (awaitWritable(cluster, probes, Duration.ofSeconds(60)) < 0) {
                    throw new IllegalStateException("index " + INDEX + " never accepted a write on every shard");
                }
                ScenarioContext context = new ScenarioContext(cluster, INDEX, recorder, log);
                List<String> keys = Workload.keys(KEYS, SHARDS, 42);
                Workload load = new Workload(cluster, INDEX, keys, recorder, workload);
                log.info("workload: " + workload.clients() + " clients on " + keys.size() + " keys for "
                        + timing.total().toSeconds() + " s; fault after " + timing.warmup().toSeconds() + " s");
                load.start(timing.total(), scenario.name().hashCode());
                try {
                    Sleep.of(timing.warmup());
                    log.info("fault: " + scenario.description());
                    long faultStart = System.nanoTime();
                    try {
                        scenario.fault().inject(context, timing.fault());
                    } finally {
                        Sleep.millis(timing.fault().toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultStart));
                        heal(cluster, log);
                    }
                    recovery = awaitWritable(cluster, probes, RECOVERY_LIMIT);
                    log.info(recovery < 0 ? "NOT recovered within " + RECOVERY_LIMIT.toSeconds() + " s"
                            : "recovered: every shard took a write " + recovery + " ms after the heal");
                } finally {
                    load.join();
                    load.stop();
                    load.join();
                    trace.addAll(load.trace());
                }
                log.info("workload done; reading final values");
                Map<String, String> finals = finalValues(cluster, keys, Duration.ofSeconds(30));
                log.info("comparing replica checksums");
                Map<String, Map<String, String>> checksums = checksums(cluster, INDEX, Duration.ofSeconds(30));
                problems.addAll(scenario.fault().verify(context));
                History history = recorder.history();
                log.info("checking " + history.size() + " operations");
                report = new Checker().check(history, finals, checksums);
                log.info(report.passed() ? "check passed" : "check: " + report.anomalies() + " anomalies");
            }
        } catch (Exception | AssertionError e) {
            StringWriter stack = new StringWriter();
            e.printStackTrace(new PrintWriter(stack));
            error = stack.toString();
            log.info("ERROR: " + e);
        }
        History history = recorder.history();
        int ok = 0;
        int failed = 0;
        int conflicts = 0;
        int unknown = 0;
        for (Operation op : history.operations()) {
            switch (op.outcome()) {
                case OK -> ok++;
                case FAIL -> failed++;
                case CONFLICT -> conflicts++;
                case UNKNOWN -> unknown++;
            }
        }
        int anomalies = (report == null ? 0 : report.anomalies()) + problems.size() + (error != null ? 1 : 0);
        int undecided = report == null ? 0 : report.linearizability().undecided().size();
        StringBuilder details = new StringBuilder();
        if (report != null) {
            details.append(report.render());
        }
        details.append(timeline(history));
        problems.forEach(p -> details.append("problem: ").append(p).append('\n'));
        if (error != null) {
            details.append("error: ").append(error);
        }
        Path historyFile = null;
        boolean passed = anomalies == 0 && recovery >= 0;
        try {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve(scenario.name() + ".report.txt"), details.toString(),
                    StandardCharsets.UTF_8);
            if (!passed) {
                historyFile = outDir.resolve(scenario.name() + ".history.jsonl");
                history.writeJsonl(historyFile);
                Files.write(outDir.resolve(scenario.name() + ".trace.txt"), trace, StandardCharsets.UTF_8);
            } else {
                deleteRecursively(dir); // node data and logs of a passed scenario are not kept
                Files.deleteIfExists(outDir.resolve(scenario.name() + ".history.jsonl"));
                Files.deleteIfExists(outDir.resolve(scenario.name() + ".trace.txt"));
            }
        } catch (IOException e) {
            details.append("cannot write results: ").append(e);
        }
        return new ScenarioResult(scenario.name(), history.size(), ok, failed, conflicts, unknown, anomalies,
                undecided, recovery, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), historyFile,
                details.toString());
    }

    /** Per second since the first invoke: completed operations as ok/failed+conflict/unknown. */
    static String timeline(History history) {
        if (history.size() == 0) {
            return "timeline: no operations\n";
        }
        long origin = history.originNanos();
        Map<Long, int[]> perSecond = new java.util.TreeMap<>();
        for (Operation op : history.operations()) {
            long second = TimeUnit.NANOSECONDS.toSeconds((op.outcome() == Outcome.UNKNOWN ? op.invokeNanos()
                    : op.completeNanos()) - origin);
            int[] counts = perSecond.computeIfAbsent(second, k -> new int[3]);
            counts[op.outcome() == Outcome.OK ? 0 : op.outcome() == Outcome.UNKNOWN ? 2 : 1]++;
        }
        StringBuilder out = new StringBuilder("timeline (second: ok/refused/unknown):");
        perSecond.forEach((s, c) -> out.append(' ').append(s).append(':').append(c[0]).append('/').append(c[1])
                .append('/').append(c[2]));
        return out.append('\n').toString();
    }

    private static void heal(ChaosCluster cluster, ChaosLog log) {
        cluster.heal();
        for (String id : cluster.nodeIds()) {
            if (!cluster.isRunning(id)) {
                log.info("restarting " + id);
                cluster.start(id);
            }
        }
        log.info("healed");
    }

    /** Creates an index, retrying while the metadata group has no leader. */
    public static void createIndex(ChaosCluster cluster, String name, int shards, int replicas, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        IndexSpec spec = IndexSpec.newBuilder().setName(name).setShards(shards).setReplicationFactor(replicas)
                .setDimensions(2).setMetric("l2").build();
        RuntimeException last = null;
        for (int attempt = 0; attempt < 1_000 && System.nanoTime() < deadline; attempt++) {
            List<String> live = cluster.runningNodes();
            String node = live.get(attempt % live.size());
            try {
                IndexServiceGrpc.newBlockingStub(cluster.channel(node)).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .createIndex(CreateIndexRequest.newBuilder().setSpec(spec).build());
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                    return;
                }
                last = e;
                Sleep.millis(300);
            }
        }
        throw new IllegalStateException("cannot create index " + name, last);
    }

    /**
     * Writes a probe object to every shard (the {@code probes} ids, one per shard) until each has been accepted
     * once; returns the milliseconds that took, -1 if not all within {@code limit}.
     */
    static long awaitWritable(ChaosCluster cluster, List<String> probes, Duration limit) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        List<String> pending = new ArrayList<>(probes);
        Random random = new Random();
        int attempt = 0;
        while (!pending.isEmpty() && System.nanoTime() < deadline && attempt++ < 100_000) {
            for (var it = pending.iterator(); it.hasNext(); ) {
                String id = it.next();
                List<String> live = cluster.runningNodes();
                if (live.isEmpty()) {
                    break;
                }
                String node = live.get(random.nextInt(live.size()));
                try {
                    ItemStatus status = ObjectServiceGrpc.newBlockingStub(cluster.channel(node))
                            .withDeadlineAfter(2, TimeUnit.SECONDS)
                            .put(PutRequest.newBuilder().setIndex(INDEX).setObject(ObjectData.newBuilder().setId(id)
                                    .setPropertiesJson("{\"probe\":true}")).build()).getResult().getStatus();
                    if (status == ItemStatus.ITEM_OK) {
                        it.remove();
                    }
                } catch (StatusRuntimeException e) {
                    // not yet
                }
            }
            if (!pending.isEmpty()) {
                Sleep.millis(20);
            }
        }
        return pending.isEmpty() ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) : -1;
    }

    /** Each key's value read at STRONG after healing (absent keys left out); retries until every read succeeds. */
    static Map<String, String> finalValues(ChaosCluster cluster, List<String> keys, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, String> values = new LinkedHashMap<>();
        Random random = new Random();
        for (String key : keys) {
            StatusRuntimeException last = null;
            boolean done = false;
            for (int attempt = 0; attempt < 1_000 && !done; attempt++) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read the final value of " + key, last);
                }
                List<String> live = cluster.runningNodes();
                String node = live.get(random.nextInt(live.size()));
                try {
                    GetResponse r = ObjectServiceGrpc.newBlockingStub(cluster.channel(node))
                            .withDeadlineAfter(3, TimeUnit.SECONDS).get(GetRequest.newBuilder().setIndex(INDEX)
                                    .setId(key).setConsistency(Consistency.STRONG).build());
                    if (r.getFound()) {
                        values.put(key, Workload.valueOf(r.getObject().getPropertiesJson()));
                    }
                    done = true;
                } catch (StatusRuntimeException e) {
                    last = e;
                    Sleep.millis(100);
                }
            }
        }
        return values;
    }

    /**
     * Replica checksums per shard once every replica has caught up (the admin API says consistent and no replica
     * reports an error), or the last answer when {@code limit} passes.
     */
    static Map<String, Map<String, String>> checksums(ChaosCluster cluster, String index, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        ConsistencyCheckResponse last = null;
        StatusRuntimeException lastError = null;
        for (int attempt = 0; attempt < 1_000 && System.nanoTime() < deadline; attempt++) {
            List<String> live = cluster.runningNodes();
            String node = live.get(attempt % live.size());
            try {
                last = AdminServiceGrpc.newBlockingStub(cluster.channel(node)).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .consistencyCheck(ConsistencyCheckRequest.newBuilder().setIndex(index).build());
                if (last.getConsistent() && allAnswered(last)) {
                    break;
                }
            } catch (StatusRuntimeException e) {
                lastError = e;
            }
            Sleep.millis(300);
        }
        if (last == null) {
            throw new IllegalStateException("no consistency check answer for " + index, lastError);
        }
        return ReplicaCheck.checksums(last);
    }

    private static boolean allAnswered(ConsistencyCheckResponse response) {
        for (ShardCheck shard : response.getShardsList()) {
            for (ReplicaChecksum r : shard.getReplicasList()) {
                if (!r.getError().isEmpty()) {
                    return false;
                }
            }
        }
        return !response.getShardsList().isEmpty();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        boolean shortForm = false;
        Path out = Path.of("chaos-results");
        List<String> only = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> shortForm = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                default -> {
                    System.err.println("usage: ChaosRunner [--short] [--out DIR] [--only scenario,scenario]");
                    System.exit(2);
                }
            }
        }
        ChaosRunner runner = new ChaosRunner(out.toAbsolutePath(), shortForm ? Timing.shortForm() : Timing.fullForm());
        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario scenario : Scenarios.all()) {
            if (only.isEmpty() || only.contains(scenario.name())) {
                ScenarioResult r = runner.run(scenario);
                results.add(r);
                if (!r.passed()) {
                    System.err.println(r.details());
                }
            }
        }
        String table = SummaryTable.render(results);
        System.out.print(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.txt"), table, StandardCharsets.UTF_8);
        System.out.println("summary written to " + out.toAbsolutePath().resolve("summary.txt"));
        System.exit(results.stream().allMatch(ScenarioResult::passed) && !results.isEmpty() ? 0 : 1);
    }
}

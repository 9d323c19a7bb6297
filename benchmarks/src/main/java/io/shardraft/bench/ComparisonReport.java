package io.shardraft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The results of a {@code bench compare}: every system's figures per workload and client count, and the ratios
 * shardraft / peer (throughput: above 1 means shardraft is faster; p99: below 1 means shardraft's tail is shorter).
 * As a table, the JSON list of {@code --json}, the result files (JSON with the machine's facts, CSV, PNG) and the
 * markdown of {@code benchmarks/RESULTS.md}.
 */
final class ComparisonReport {

    static final String JSON_FILE = "compare.json";
    static final String CSV_FILE = "compare.csv";
    static final String PLOT_FILE = "compare.png";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One system's figures for one workload at one client count. */
    record Row(String system, RunStats stats) {
    }

    /**
     * shardraft / {@code peer} for one workload at one client count; NaN where the peer (or shardraft) has no
     * successful request to divide by.
     */
    record Ratio(String workload, int clients, String peer, double opsRatio, double p99Ratio) {
    }

    private final List<Row> rows;
    private final MachineFacts machine;
    private final String command;
    private final String note;

    ComparisonReport(List<Row> rows, MachineFacts machine, String command, String note) {
        this.rows = List.copyOf(rows);
        this.machine = machine;
        this.command = command;
        this.note = note == null ? "" : note;
    }

    List<Row> rows() {
        return rows;
    }

    Optional<RunStats> find(String system, String workload, int clients) {
        return rows.stream().filter(r -> r.system().equals(system) && r.stats().workload().equals(workload)
                && r.stats().clients() == clients).map(Row::stats).findFirst();
    }

    /** Workloads in the order first measured. */
    List<String> workloads() {
        Set<String> w = new LinkedHashSet<>();
        rows.forEach(r -> w.add(r.stats().workload()));
        return new ArrayList<>(w);
    }

    List<String> systems() {
        Set<String> s = new LinkedHashSet<>();
        rows.forEach(r -> s.add(r.system()));
        return new ArrayList<>(s);
    }

    /** For every shardraft row and every peer that ran the same workload at the same client count. */
    List<Ratio> ratios() {
        List<Ratio> out = new ArrayList<>();
        for (Row r : rows) {
            if (!r.system().equals(BenchReport.SYSTEM)) {
                continue;
            }
            RunStats s = r.stats();
            for (String peer : systems()) {
                if (peer.equals(BenchReport.SYSTEM)) {
                    continue;
                }
                find(peer, s.workload(), s.clients()).ifPresent(p -> out.add(new Ratio(s.workload(), s.clients(), peer,
                        ratio(s.opsPerSec(), p.opsPerSec(), s.requests(), p.requests()),
                        ratio(s.p99Micros(), p.p99Micros(), s.requests(), p.requests()))));
            }
        }
        return out;
    }

    static double ratio(double ours, double theirs, long ourRequests, long theirRequests) {
        return ourRequests == 0 || theirRequests == 0 || theirs == 0 ? Double.NaN : ours / theirs;
    }

    void printTable(PrintWriter out) {
        String format = "%-12s %7s %-9s %12s %9s %9s %9s  %s%n";
        out.printf(Locale.ROOT, format, "workload", "clients", "system", "ops/s", "p50 ms", "p99 ms", "p999 ms", "errors");
        for (String w : workloads()) {
            for (Row r : rows) {
                RunStats s = r.stats();
                if (s.workload().equals(w)) {
                    out.printf(Locale.ROOT, format, s.workload(), s.clients(), r.system(), fmt(s.opsPerSec(), 1),
                            fmt(RunStats.millis(s.p50Micros()), 3), fmt(RunStats.millis(s.p99Micros()), 3),
                            fmt(RunStats.millis(s.p999Micros()), 3), s.errorSummary());
                }
            }
        }
        List<Ratio> ratios = ratios();
        if (!ratios.isEmpty()) {
            out.println();
            String rf = "%-12s %7s %-9s %16s %16s%n";
            out.printf(Locale.ROOT, rf, "workload", "clients", "peer", "ops/s ratio", "p99 ratio");
            for (Ratio r : ratios) {
                out.printf(Locale.ROOT, rf, r.workload(), r.clients(), r.peer(), ratioText(r.opsRatio()),
                        ratioText(r.p99Ratio()));
            }
            out.println("(ratios are shardraft / peer: ops/s above 1 and p99 below 1 favour shardraft)");
        }
        if (machine != null) {
            out.println("machine: " + machine.summary());
        }
    }

    /** The {@code --json} list: {@code {workload, system, clients, ops_per_sec, p50_ms, p99_ms, p999_ms}}. */
    ArrayNode jsonList() {
        ArrayNode list = MAPPER.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = list.addObject();
            RunStats s = r.stats();
            o.put("workload", s.workload());
            o.put("system", r.system());
            o.put("clients", s.clients());
            o.put("ops_per_sec", round(s.opsPerSec(), 1));
            o.put("p50_ms", round(RunStats.millis(s.p50Micros()), 3));
            o.put("p99_ms", round(RunStats.millis(s.p99Micros()), 3));
            o.put("p999_ms", round(RunStats.millis(s.p999Micros()), 3));
        }
        return list;
    }

    String jsonListText() {
        return text(jsonList());
    }

    /** The results file: the machine, the command, the figures (with errors) and the ratios. */
    ObjectNode resultsJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("command", command);
        root.put("note", note);
        if (machine != null) {
            root.set("machine", MAPPER.valueToTree(machine));
        }
        ArrayNode results = jsonList();
        for (int i = 0; i < rows.size(); i++) {
            RunStats s = rows.get(i).stats();
            ((ObjectNode) results.get(i)).put("max_ms", round(RunStats.millis(s.maxMicros()), 3))
                    .put("requests", s.requests()).put("items", s.items()).put("errors", s.errorCount());
        }
        root.set("results", results);
        ArrayNode ratios = root.putArray("ratios");
        for (Ratio r : ratios()) {
            ObjectNode o = ratios.addObject().put("workload", r.workload()).put("clients", r.clients())
                    .put("peer", r.peer());
            putRatio(o, "ops_ratio", r.opsRatio());
            putRatio(o, "p99_ratio", r.p99Ratio());
        }
        return root;
    }

    private static void putRatio(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, round(v, 3));
        }
    }

    String csv() {
        StringBuilder s = new StringBuilder(BenchReport.CSV_HEADER).append('\n');
        for (Row r : rows) {
            RunStats x = r.stats();
            s.append(String.join(",", x.workload(), r.system(), Integer.toString(x.clients()), fmt(x.opsPerSec(), 1),
                    fmt(RunStats.millis(x.p50Micros()), 3), fmt(RunStats.millis(x.p99Micros()), 3),
                    fmt(RunStats.millis(x.p999Micros()), 3), fmt(RunStats.millis(x.maxMicros()), 3),
                    Long.toString(x.requests()), Long.toString(x.items()), Long.toString(x.errorCount()))).append('\n');
        }
        return s.toString();
    }

    /** {@code benchmarks/RESULTS.md}: how it was measured, on what, the figures and the ratios. */
    String markdown(String resultsDirName) {
        StringBuilder md = new StringBuilder("# Benchmark results: shardraft, etcd and RheaKV\n\n");
        md.append("Generated by `").append(command).append("`");
        if (machine != null) {
            md.append(" at ").append(machine.measuredAt());
        }
        md.append(". The raw figures are in `").append(resultsDirName).append("/` (")
                .append(JSON_FILE).append(", ").append(CSV_FILE).append(", ").append(PLOT_FILE).append(").\n\n");
        if (!note.isBlank()) {
            md.append("**Note:** ").append(note).append("\n\n");
        }
        if (machine != null) {
            md.append("Machine: ").append(machine.summary()).append(".\n\n");
        }
        md.append("Same closed-loop generator, payload bytes, key space and client counts for every system; each a "
                + "three-member cluster on 127.0.0.1 with its log fsynced before a write is acknowledged. shardraft: "
                + "an index of 3 shards × 3 replicas, each request to its shard's leader. etcd: every request to the "
                + "leader member. RheaKV: its client routes to the leader. Batching of concurrent single calls: "
                + "shardraft's client coalesces the puts that wait while a call to the same node is in flight into one "
                + "BatchPut (its `PutCoalescer`; each put still gets its own result; `bench run --no-coalesce` sends one "
                + "Put per put), RheaKV's client batches its puts and gets (its `BatchingOptions`), etcd's client sends "
                + "each call on its own. `import` counts objects per second "
                + "(batches of B; latencies per batch). `merge`: shardraft's Merge (one request, patched on the "
                + "node); for the peers a linearizable read and a conditional write of the patched value (etcd: "
                + "Txn on mod_revision; RheaKV: compareAndPut). `search` has no key-value equivalent and runs for "
                + "shardraft only.\n\n");
        md.append("| workload | clients | system | ops/s | p50 ms | p99 ms | p999 ms | errors |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|\n");
        for (String w : workloads()) {
            for (Row r : rows) {
                RunStats s = r.stats();
                if (s.workload().equals(w)) {
                    md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %d |%n", s.workload(),
                            s.clients(), r.system(), fmt(s.opsPerSec(), 1), fmt(RunStats.millis(s.p50Micros()), 3),
                            fmt(RunStats.millis(s.p99Micros()), 3), fmt(RunStats.millis(s.p999Micros()), 3),
                            s.errorCount()));
                }
            }
        }
        List<Ratio> ratios = ratios();
        if (!ratios.isEmpty()) {
            md.append("\nRatios shardraft / peer (ops/s above 1 and p99 below 1 favour shardraft):\n\n");
            md.append("| workload | clients | peer | ops/s ratio | p99 ratio |\n|---|---:|---|---:|---:|\n");
            for (Ratio r : ratios) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", r.workload(), r.clients(), r.peer(),
                        ratioText(r.opsRatio()), ratioText(r.p99Ratio())));
            }
        }
        return md.toString();
    }

    /** Writes compare.json, compare.csv and compare.png into {@code dir}, and the markdown to {@code markdown}. */
    void writeFiles(Path dir, Path markdown) {
        BenchReport.write(dir.resolve(JSON_FILE), text(resultsJson()) + "\n");
        BenchReport.write(dir.resolve(CSV_FILE), csv());
        new ComparisonPlot(this).write(dir.resolve(PLOT_FILE));
        if (markdown != null) {
            Path parent = markdown.toAbsolutePath().getParent();
            String rel = parent == null ? dir.toString() : parent.relativize(dir.toAbsolutePath()).toString();
            BenchReport.write(markdown, markdown(rel.isEmpty() ? "." : rel));
        }
    }

    private static String text(Object json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String ratioText(double v) {
        return Double.isNaN(v) ? "n/a" : fmt(v, 2) + "x";
    }

    static String fmt(double v, int decimals) {
        return BenchReport.fmt(v, decimals);
    }

    private static double round(double v, int decimals) {
        return BenchReport.round(v, decimals);
    }
}

package io.shardraft.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the bench and a peer's load driver in another JVM (RheaKV's, which cannot share shardraft's JRaft) say to
 * each other: the driver gets the {@link CompareConfig} as {@code key=value} arguments and answers on stdout with
 * lines starting with {@link #PREFIX} (any other line is the driver's own output): {@code log TEXT},
 * {@code phase CLIENTS LABEL}, {@code done N}, {@code end}, and one {@code result ...} per measured phase.
 */
final class PeerDriverProtocol {

    static final String PREFIX = "@@bench ";

    private PeerDriverProtocol() {
    }

    static List<String> configArgs(CompareConfig c) {
        return List.of("systems=" + String.join(",", c.systems()),
                "workloads=" + c.workloads().stream().map(Workload::cliName).collect(Collectors.joining(",")),
                "clients=" + c.clients().stream().map(String::valueOf).collect(Collectors.joining(",")),
                "durationNanos=" + c.duration().toNanos(), "warmupNanos=" + c.warmup().toNanos(),
                "jitWarmupNanos=" + c.jitWarmup().toNanos(),
                "batch=" + c.batch(), "propsBytes=" + c.payload().propsBytes(), "dims=" + c.payload().dims(),
                "seed=" + c.payload().seed(), "keys=" + c.keys(), "timeoutNanos=" + c.timeout().toNanos());
    }

    /** The inverse of {@link #configArgs}; an IllegalArgumentException names a missing or bad argument. */
    static CompareConfig parseConfig(List<String> args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + a + "'");
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        try {
            return new CompareConfig(Arrays.asList(require(m, "systems").split(",")),
                    Arrays.stream(require(m, "workloads").split(",")).map(Workload::parse).toList(),
                    Arrays.stream(require(m, "clients").split(",")).map(Integer::valueOf).toList(),
                    Duration.ofNanos(Long.parseLong(require(m, "durationNanos"))),
                    Duration.ofNanos(Long.parseLong(require(m, "warmupNanos"))),
                    Duration.ofNanos(Long.parseLong(require(m, "jitWarmupNanos"))),
                    Integer.parseInt(require(m, "batch")),
                    new Payload(Integer.parseInt(require(m, "propsBytes")), Integer.parseInt(require(m, "dims")),
                            Long.parseLong(require(m, "seed"))),
                    Integer.parseInt(require(m, "keys")),
                    Duration.ofNanos(Long.parseLong(require(m, "timeoutNanos"))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return v;
    }

    /** One result as a line (without the prefix): {@code result } and tab-separated fields, errors as {@code CODE=N,...}. */
    static String resultLine(RunStats s) {
        String errors = new TreeMap<>(s.errors()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        return "result " + String.join("\t", s.workload(), Integer.toString(s.clients()), Long.toString(s.elapsedNanos()),
                Long.toString(s.requests()), Long.toString(s.items()), Long.toString(s.p50Micros()),
                Long.toString(s.p99Micros()), Long.toString(s.p999Micros()), Long.toString(s.maxMicros()),
                Double.toString(s.meanMicros()), errors);
    }

    /** The fields of a result line (what follows {@code result }). */
    static RunStats parseResult(String fields) {
        String[] all = fields.split("\t", -1);
        if (all.length != 11) {
            throw new IllegalArgumentException("not a result: '" + fields + "'");
        }
        String[] f = new String[12];
        System.arraycopy(all, 0, f, 1, 11);
        Map<String, Long> errors = new TreeMap<>();
        if (!f[11].isEmpty()) {
            for (String e : f[11].split(",")) {
                int eq = e.lastIndexOf('=');
                errors.put(e.substring(0, eq), Long.parseLong(e.substring(eq + 1)));
            }
        }
        return new RunStats(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
                Long.parseLong(f[9]), Double.parseDouble(f[10]), errors);
    }

    /** Splits a protocol line (without the prefix) into its verb and the rest. */
    static List<String> verb(String line) {
        int sp = line.indexOf(' ');
        List<String> out = new ArrayList<>();
        out.add(sp < 0 ? line : line.substring(0, sp));
        out.add(sp < 0 ? "" : line.substring(sp + 1));
        return out;
    }
}

package io.shardraft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the operating system and the JVM say about one node process on this machine: threads and CPU time
 * from {@code /proc/<pid>}, live heap from {@code jcmd <pid> GC.run} + {@code GC.heap_info}. Every figure
 * is empty when the process cannot be inspected (another OS, the process gone, no jcmd).
 */
final class NodeProcessProbe {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    /** Linux reports CPU times in clock ticks of 1/100 s on every common configuration. */
    private static final long TICKS_PER_SECOND = 100;

    private final long pid;

    NodeProcessProbe(long pid) {
        this.pid = pid;
    }

    long pid() {
        return pid;
    }

    /** Threads of the process. */
    OptionalLong threads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return OptionalLong.of(Long.parseLong(line.substring(8).trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** User + system CPU time of the process so far, in milliseconds. */
    OptionalLong cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // after "pid (comm) ": field 3 is f[0], so utime (14) is f[11] and stime (15) is f[12]
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return OptionalLong.of(ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Heap in use right after a full collection, in bytes. */
    OptionalLong liveHeapBytes() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return OptionalLong.empty();
        }
        try {
            run(List.of(jcmd.toString(), Long.toString(pid), "GC.run"));
            Matcher m = HEAP_USED.matcher(run(List.of(jcmd.toString(), Long.toString(pid), "GC.heap_info")));
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(command + " failed: " + out.strip());
            }
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    /** Bytes received on the loopback interface so far (every process on the machine), if Linux says. */
    static OptionalLong loopbackBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
                String t = line.trim();
                if (t.startsWith("lo:")) {
                    return OptionalLong.of(Long.parseLong(t.substring(3).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}

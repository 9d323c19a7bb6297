package io.shardraft.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** The machine a comparison ran on: what its figures depend on. */
record MachineFacts(String measuredAt, int cores, long memoryBytes, String cpu, String os, String jvm,
        FsyncProbe.Result fsync) {

    static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** This machine now, with the fsync latency measured in {@code dataDir}. */
    static MachineFacts measure(Path dataDir) {
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        return new MachineFacts(Instant.now().toString(), Runtime.getRuntime().availableProcessors(), memory, cpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                FsyncProbe.measure(dataDir, 500, Duration.ofSeconds(5)));
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(CPUINFO).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** One line for reports: "2 cores, 23.5 GiB, fsync p50 1.234 ms / p99 2.345 ms (4 KiB, 500 samples)". */
    String summary() {
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB memory, %s; fsync of 4 KiB: p50 %.3f ms, "
                        + "p99 %.3f ms, mean %.3f ms (%d samples)", cores, cpu, memoryBytes / (1024.0 * 1024 * 1024), os,
                fsync.p50Micros() / 1000.0, fsync.p99Micros() / 1000.0, fsync.meanMicros() / 1000.0, fsync.samples());
    }
}

package io.shardraft.bench;

import io.shardraft.testkit.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Three RheaKV nodes ({@code com.alipay.sofa:jraft-rheakv-core}), each {@code RheaKvNodeMain} in its own JVM
 * on {@link RheaKvRuntime#classPath()}, on 127.0.0.1 free ports, data in {@code dir}; stopped by
 * {@link #close()}. {@link #drive} runs the load in a further JVM of the same class path.
 */
final class RheaKvCluster implements AutoCloseable {

    /**
     * Bolt's write buffer raised from 512 KiB so that 64 clients of batches do not fail with "write overflow". The JIT
     * comes from the caller ({@link JitMode}), the same as shardraft's nodes get: a peer on equal terms. Like
     * shardraft's nodes, they do not build protobuf's warning about JRaft's pre-22 generated messages on every message
     * parsed (see shardraft's {@code JRaftEnvironment}).
     */
    static final List<String> JVM_ARGS = List.of("-Xmx512m", "-Dsofa.middleware.log.disable=true",
            "-Dcom.google.protobuf.use_unsafe_pre22_gencode=true",
            "-Dbolt.netty.buffer.high.watermark=67108864", "-Dbolt.netty.buffer.low.watermark=33554432",
            "-Dlog4j2.configurationFile=log4j2-rheakv.xml");

    private final Path dir;
    private final String classPath;
    private final List<ChildProcess> nodes = new ArrayList<>();
    private final String serverList;
    private final List<String> jitFlags;

    private RheaKvCluster(Path dir, String classPath, String serverList, List<String> jitFlags) {
        this.dir = dir;
        this.classPath = classPath;
        this.serverList = serverList;
        this.jitFlags = List.copyOf(jitFlags);
    }

    /** Starts {@code n} node JVMs; they, and the driver JVM of {@link #drive}, get {@code jitFlags} (a {@link JitMode}'s). */
    static RheaKvCluster start(Path dir, int n, List<String> jitFlags) {
        int[] ports = FreePorts.allocate(n);
        String servers = java.util.Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        RheaKvCluster cluster = new RheaKvCluster(dir, RheaKvRuntime.classPath(), servers, jitFlags);
        try {
            for (int i = 0; i < n; i++) {
                cluster.nodes.add(ChildProcess.start("RheaKV node" + (i + 1), cluster.java(RheaKvRuntime.NODE_MAIN,
                        List.of(Integer.toString(ports[i]), servers, dir.resolve("node" + (i + 1)).toString())),
                        dir.resolve("node" + (i + 1) + ".log")));
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private List<String> java(String main, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(JVM_ARGS);
        cmd.addAll(jitFlags);
        cmd.addAll(List.of("-cp", classPath, main));
        cmd.addAll(args);
        return cmd;
    }

    String serverList() {
        return serverList;
    }

    /**
     * Runs {@link CompareConfig}'s workloads against the nodes from a driver JVM (RheaKV's client, the same
     * {@link PeerLoad} as etcd's) and returns its results; its progress goes to {@code progress}, its log lines to
     * {@code log}, everything else it prints to {@code dir/driver.log}.
     */
    List<RunStats> drive(CompareConfig config, Progress progress, Consumer<String> log) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of(serverList));
        args.addAll(PeerDriverProtocol.configArgs(config));
        Path driverLog = dir.resolve("driver.log");
        Process p;
        try {
            Files.createDirectories(dir);
            p = new ProcessBuilder(java(RheaKvRuntime.DRIVER_MAIN, args))
                    .redirectError(ProcessBuilder.Redirect.appendTo(driverLog.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the RheaKV load driver: " + e.getMessage(), e);
        }
        List<RunStats> results = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        boolean inPhase = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith(PeerDriverProtocol.PREFIX)) {
                    Files.writeString(driverLog, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    continue;
                }
                List<String> v = PeerDriverProtocol.verb(line.substring(PeerDriverProtocol.PREFIX.length()));
                switch (v.get(0)) {
                    case "log" -> log.accept(v.get(1));
                    case "phase" -> {
                        List<String> f = PeerDriverProtocol.verb(v.get(1));
                        done.set(0);
                        progress.phase(f.get(1), Integer.parseInt(f.get(0)), config.benchConfig(Workload.PUT), done);
                        inPhase = true;
                    }
                    case "done" -> done.set(Long.parseLong(v.get(1)));
                    case "end" -> {
                        progress.end();
                        inPhase = false;
                    }
                    case "result" -> results.add(PeerDriverProtocol.parseResult(v.get(1)));
                    default -> Files.writeString(driverLog, line + "\n", StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            }
            if (!p.waitFor(ChildProcess.GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the RheaKV load driver did not exit after its output ended");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the RheaKV load driver: " + e.getMessage(), e);
        } finally {
            if (inPhase) {
                progress.end();
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the RheaKV load driver failed (exit " + p.exitValue() + "): "
                    + lastLines(driverLog));
        }
        return results;
    }

    private static String lastLines(Path log) {
        try {
            List<String> all = Files.readAllLines(log);
            return all.stream().filter(l -> l.startsWith("RheaKvDriverMain:")).reduce((a, b) -> b)
                    .orElse(String.join(" ", all.subList(Math.max(0, all.size() - 5), all.size())));
        } catch (IOException e) {
            return "(see " + log + ")";
        }
    }

    /** An IllegalStateException if a node has exited. */
    void checkAlive() {
        for (ChildProcess p : nodes) {
            if (!p.isAlive()) {
                throw new IllegalStateException(p.describeExit());
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(ChildProcess::close);
    }
}

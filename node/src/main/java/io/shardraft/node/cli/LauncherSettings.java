package io.shardraft.node.cli;

import com.google.common.base.Preconditions;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How the launcher starts and stops node processes.
 *
 * @param java          the java executable (default: the one running this CLI)
 * @param classPath     the node's classpath (default: this CLI's, made absolute)
 * @param jvmArgs       extra JVM arguments for every node, after {@link #NODE_JVM_DEFAULTS} (so they can override them)
 * @param mainClass     the node's main class
 * @param host          address every node binds and advertises
 * @param startTimeout  how long {@code up}/{@code start} wait for SERVING
 * @param stopTimeout   how long a stop waits after SIGTERM before SIGKILL
 */
record LauncherSettings(String java, String classPath, List<String> jvmArgs, String mainClass, String host,
        Duration startTimeout, Duration stopTimeout) {

    static final String NODE_MAIN = "io.shardraft.node.NodeMain";
    static final String LOOPBACK = "127.0.0.1";

    /**
     * JVM flags every local node gets first. {@code -XX:TieredStopAtLevel=1}: C1 only. On the 2-core dev machine,
     * three nodes and a load generator share the cores, and C2 recompiling kept ~22 % of a core per node busy for
     * minutes after start (per-thread CPU from /proc during {@code bench run}); with C1 only, put at 64 clients went
     * from ~255 to ~420 ops/s and get-eventual at 64 from 520 to 2,000 ops/s in the same hour. A machine with cores to
     * spare can give {@code --jvm-opt=-XX:TieredStopAtLevel=4} back.
     */
    static final List<String> NODE_JVM_DEFAULTS = List.of("-XX:TieredStopAtLevel=1");

    LauncherSettings {
        java = java == null || java.isBlank() ? currentJava() : java;
        classPath = classPath == null || classPath.isBlank() ? currentClassPath() : classPath;
        jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
        mainClass = mainClass == null || mainClass.isBlank() ? NODE_MAIN : mainClass;
        host = host == null || host.isBlank() ? LOOPBACK : host;
        startTimeout = startTimeout == null ? Duration.ofSeconds(120) : startTimeout;
        stopTimeout = stopTimeout == null ? Duration.ofSeconds(30) : stopTimeout;
        Preconditions.checkArgument(!startTimeout.isNegative() && !startTimeout.isZero(), "start timeout must be positive");
        Preconditions.checkArgument(!stopTimeout.isNegative() && !stopTimeout.isZero(), "stop timeout must be positive");
    }

    static LauncherSettings defaults() {
        return new LauncherSettings(null, null, null, null, null, null, null);
    }

    LauncherSettings withJvmArgs(List<String> args) {
        return new LauncherSettings(java, classPath, args, mainClass, host, startTimeout, stopTimeout);
    }

    LauncherSettings withTimeouts(Duration start, Duration stop) {
        return new LauncherSettings(java, classPath, jvmArgs, mainClass, host, start, stop);
    }

    static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static String currentClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.isBlank())
                .map(p -> p.endsWith("*") ? Path.of(p.substring(0, p.length() - 1)).toAbsolutePath() + File.separator + "*"
                        : Path.of(p).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}

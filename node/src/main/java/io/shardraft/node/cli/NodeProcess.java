package io.shardraft.node.cli;

import io.shardraft.node.JvmSignals;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting, finding and signalling the OS process of one local node. */
final class NodeProcess {

    /** Start times of one process read twice may differ by the clock-tick rounding of /proc; pids are not reused this fast. */
    private static final long START_TOLERANCE_MILLIS = 2_000;
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private NodeProcess() {
    }

    /** The live process the CLI last started for {@code node}, if it still runs (a reused pid does not count). */
    static Optional<ProcessHandle> find(NodeEntry node) {
        if (node.pid() <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(node.pid())
                .filter(ProcessHandle::isAlive)
                .filter(h -> isSameProcess(h, node));
    }

    static boolean isRunning(NodeEntry node) {
        return find(node).isPresent();
    }

    private static boolean isSameProcess(ProcessHandle handle, NodeEntry node) {
        ProcessHandle.Info info = handle.info();
        if (node.startedAtMillis() > 0 && info.startInstant().isPresent()
                && Math.abs(info.startInstant().get().toEpochMilli() - node.startedAtMillis()) > START_TOLERANCE_MILLIS) {
            return false;
        }
        Optional<String[]> arguments = info.arguments();
        return arguments.isEmpty() || List.of(arguments.get()).contains(node.configFile());
    }

    /**
     * Starts the node's recorded command in its own session (so a Ctrl-C at the terminal that ran the CLI does not
     * reach it), output appended to its log file, stdin from /dev/null, without the caller's SHARDRAFT_* environment
     * (which would override the node's config file).
     */
    static Process start(NodeEntry node) {
        if (node.command().isEmpty()) {
            throw new CliException("node " + node.id() + " has no start command in " + ClusterFile.NAME);
        }
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(node.command());
        Path log = Path.of(node.logFile());
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "==== shardraft: starting " + node.id() + " at " + Instant.now() + " ====\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(log.toAbsolutePath().getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().keySet().removeIf(name -> name.startsWith("SHARDRAFT_"));
            JvmSignals.applyTo(builder.environment());
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + node.id() + ": " + e.getMessage(), e);
        }
    }

    /** The start time of a process as {@link NodeEntry#startedAtMillis()} records it. */
    static long startedAtMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** Waits until the process is gone; false on timeout. */
    static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for process " + handle.pid());
        } catch (ExecutionException e) {
            return !handle.isAlive();
        }
    }

    /** The line that best explains why a node stopped: its {@code shardraft-node:} line, else the last line of its log. */
    static String lastWords(NodeEntry node) {
        Path log = Path.of(node.logFile());
        try {
            if (!Files.isRegularFile(log)) {
                return "no log at " + log;
            }
            List<String> lines = tail(log, 64 * 1024);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("shardraft-node:")) {
                    return lines.get(i).strip();
                }
            }
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).strip();
                if (!line.isEmpty() && !line.startsWith("==== shardraft:")) {
                    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
                }
            }
            return "its log is empty";
        } catch (IOException e) {
            return "cannot read " + log + ": " + e.getMessage();
        }
    }

    private static List<String> tail(Path file, int maxBytes) throws IOException {
        long size = Files.size(file);
        try (var channel = Files.newByteChannel(file)) {
            long start = Math.max(0, size - maxBytes);
            channel.position(start);
            var buffer = java.nio.ByteBuffer.allocate((int) (size - start));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // fill
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}

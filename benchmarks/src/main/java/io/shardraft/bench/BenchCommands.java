package io.shardraft.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What the {@code bench} commands share: error lines, usage errors, option checks. */
final class BenchCommands {

    private BenchCommands() {
    }

    /** Prints {@code shardraft: MESSAGE} as one line on stderr (the stack trace too with --verbose); returns 1. */
    static int fail(CommandSpec spec, boolean verbose, String message, Throwable cause) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("shardraft: " + (message == null ? "failed" : message.strip().replaceAll("\\s*\\R\\s*", " ")));
        if (verbose && cause != null) {
            cause.printStackTrace(err);
        }
        return 1;
    }

    /** The one line for an unexpected exception. */
    static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    static CommandLine.ParameterException usage(CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** Usage errors for a --warmup or --timeout out of range. */
    static void checkWarmupAndTimeout(CommandSpec spec, double warmupSeconds, double timeoutSeconds) {
        if (!(warmupSeconds >= 0 && warmupSeconds <= 600)) {
            throw usage(spec, "--warmup must be in 0..600 seconds, got " + warmupSeconds);
        }
        if (!(timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
            throw usage(spec, "--timeout must be in (0, 3600] seconds, got " + timeoutSeconds);
        }
    }

    /** A usage error for a --duration out of range. */
    static void checkDuration(CommandSpec spec, double durationSeconds) {
        if (!(durationSeconds > 0 && durationSeconds <= BenchConfig.MAX_DURATION.toSeconds())) {
            throw usage(spec, "--duration must be in (0, " + BenchConfig.MAX_DURATION.toSeconds() + "] seconds, got "
                    + durationSeconds);
        }
    }

    /** The --node addresses, null when none was given; a bad one is a usage error. */
    static List<Address> seeds(CommandSpec spec, List<String> nodes) {
        if (nodes == null || nodes.isEmpty()) {
            return null;
        }
        List<Address> seeds = new ArrayList<>();
        for (String s : nodes) {
            try {
                seeds.add(Address.parse(s));
            } catch (IllegalArgumentException e) {
                throw usage(spec, "--node: " + e.getMessage());
            }
        }
        return seeds;
    }
}

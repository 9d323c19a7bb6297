package io.shardraft.bench;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code shardraft bench ...}: the root {@code shardraft} script hands every command line starting with
 * {@code bench} to this class (the benchmarks module depends on the node module, so the node's CLI cannot
 * register it). Exit codes as the rest of the CLI: 0 success, 1 error (one line on stderr), 2 usage error.
 */
@Command(name = "shardraft", mixinStandardHelpOptions = true, subcommands = BenchMain.Bench.class,
        description = "The shardraft load generator (`shardraft bench`).",
        footer = {"", "Exit status: 0 success, 1 error, 2 usage error."})
public final class BenchMain implements Callable<Integer> {

    /** gRPC logs through java.util.logging; the command reports errors itself. Held so it is not collected. */
    private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: bench");
    }

    /** A command line with injected stdout and stderr (tests run it in-process). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return new CommandLine(new BenchMain()).setOut(out).setErr(err);
    }

    public static void main(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose") || java.util.Arrays.asList(args).contains("-v");
        GRPC_LOGGER.setLevel(verbose ? Level.INFO : Level.OFF);
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    /** {@code shardraft bench}: without a subcommand, a usage error. */
    @Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchRunCommand.class, BenchJmhCommand.class,
            BenchCompareCommand.class, BenchScaleCommand.class, BenchRestartCommand.class},
            description = "Measure a shardraft cluster's throughput and latency.")
    static final class Bench implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand of 'bench'");
        }
    }
}

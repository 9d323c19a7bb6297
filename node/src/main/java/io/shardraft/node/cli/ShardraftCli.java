package io.shardraft.node.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code shardraft}: the command line of a shardraft cluster. Exit codes: 0 success, 1 error (one line on
 * stderr), 2 usage error.
 *
 * <p>Tests run it in-process: {@code ShardraftCli.commandLine(out, err).execute(args)}, or
 * {@code new CommandLine(new ShardraftCli()).setOut(out).setErr(err).execute(args)}.
 */
@Command(name = "shardraft", mixinStandardHelpOptions = true, versionProvider = ShardraftCli.Version.class,
        description = "Drive a shardraft cluster: a local cluster of node processes, indexes, objects, status.",
        subcommands = {
                ClusterCommand.class,
                NodeCommand.class,
                IndexCommand.class,
                ObjectCommands.Put.class,
                ObjectCommands.Merge.class,
                ObjectCommands.Get.class,
                ObjectCommands.Delete.class,
                ImportCommand.class,
                ExportCommand.class,
                ObjectCommands.Count.class,
                SearchCommand.class,
                StatusCommand.class,
                CheckCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class
        },
        footer = {"", "Exit status: 0 success, 1 error, 2 usage error."})
public final class ShardraftCli implements Callable<Integer> {

    /** gRPC logs through java.util.logging; the CLI reports errors itself. Held so the setting is not collected. */
    private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

    @Spec
    CommandSpec spec;

    /** {@code shardraft} alone is a usage error. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** A command line with injected stdout and stderr. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return new CommandLine(new ShardraftCli()).setOut(out).setErr(err);
    }

    public static void main(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose") || java.util.Arrays.asList(args).contains("-v");
        GRPC_LOGGER.setLevel(verbose ? Level.INFO : Level.OFF);
        CommandLine cli = new CommandLine(new ShardraftCli());
        int code = cli.execute(args);
        System.exit(code);
    }

    /** The build's version, from the jar manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ShardraftCli.class.getPackage().getImplementationVersion();
            return new String[] {"shardraft " + (version == null ? "(development build)" : version)};
        }
    }

    /** Base of command groups ({@code cluster}, {@code node}, {@code index}): without a subcommand, a usage error. */
    abstract static class Group implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand of '" + spec.name() + "'");
        }
    }
}

package io.shardraft.node.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every command accepts; mixed into each command so they may appear anywhere after it. */
final class CommonOptions {

    /** Where the local cluster lives unless {@code --data} says otherwise (relative to the working directory). */
    static final Path DEFAULT_DATA_DIR = Path.of(".shardraft", "cluster");

    @Option(names = "--target", paramLabel = "HOST:PORT", converter = ArgConverters.HostPortConverter.class,
            description = "Node to talk to (default: the first running node of the local cluster in --data).")
    HostPort target;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory of the local cluster (default: ${DEFAULT-VALUE}).", defaultValue = ".shardraft/cluster")
    Path dataDir = DEFAULT_DATA_DIR;

    @Option(names = "--json", description = "Print machine-readable JSON on stdout.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Deadline of each call in seconds (default: ${DEFAULT-VALUE}).")
    void timeoutSeconds(double seconds) {
        if (!(seconds > 0) || seconds > 86_400) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--timeout must be between 0 and 86400 seconds, got " + seconds);
        }
        timeout = Duration.ofMillis(Math.round(seconds * 1000));
    }

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    Duration timeout = Duration.ofSeconds(30);

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;
}

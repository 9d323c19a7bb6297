package io.shardraft.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code shardraft bench jmh [JMH options] [regexp...]}: the JMH micro-benchmarks of the hot path
 * ({@code io.shardraft.bench.jmh}), with JMH's own command line ({@code -lh} lists its options, {@code -l} the
 * benchmarks); forks run on this JVM's class path.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = {"Run the JMH micro-benchmarks of the hot path: command encoding/decoding, apply into the "
                + "MapDB store, checksum, kNN search per shard.",
                "Every other argument goes to JMH: e.g. `-l` lists the benchmarks, `-lh` JMH's options, "
                + "`ShardApply -f 1 -wi 2 -i 3` runs the matching ones with 2 warm-up and 3 measured iterations."})
final class BenchJmhCommand implements Callable<Integer> {

    static final String DEFAULT_INCLUDE = "io\\.shardraft\\.bench\\.jmh\\..*";

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() {
        try {
            CommandLineOptions parsed = new CommandLineOptions(jmhArgs.toArray(String[]::new));
            if (parsed.shouldHelp()) {
                parsed.showHelp();
                return 0;
            }
            // without a pattern: the project's benchmarks only (not JMH's or a library's on the class path)
            Options options = parsed.getIncludes().isEmpty()
                    ? new OptionsBuilder().parent(parsed).include(DEFAULT_INCLUDE).build() : parsed;
            Runner runner = new Runner(options);
            if (parsed.shouldList()) {
                runner.list();
            } else if (parsed.shouldListWithParams()) {
                runner.listWithParams(parsed);
            } else {
                runner.run();
            }
            return 0;
        } catch (CommandLineOptionException e) {
            spec.commandLine().getErr().println("shardraft: jmh: " + e.getMessage());
            return 2;
        } catch (RunnerException | java.io.IOException e) {
            spec.commandLine().getErr().println("shardraft: jmh: " + e.getMessage());
            return 1;
        }
    }
}

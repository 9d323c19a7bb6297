package io.shardraft.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every bench command shares to find its cluster (--node, or the local cluster's cluster.json in
 * --data) and to report errors (--verbose), as a picocli mixin.
 */
final class ClusterOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--node", paramLabel = "HOST:PORT", split = ",",
            description = "A node to start from (default: the nodes of the local cluster in --data).")
    List<String> seedNodes;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = ".shardraft/cluster",
            description = "Directory of the local cluster (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    /** The --node addresses, null when none was given; a bad one is a usage error. */
    List<Address> seedOptions() {
        return BenchCommands.seeds(spec, seedNodes);
    }

    /** The --node addresses, or else every node of the local cluster in --data. */
    List<Address> seeds() {
        List<Address> given = seedOptions();
        return given != null ? given : localSeeds();
    }

    /** Every node of the local cluster's cluster.json in --data. */
    List<Address> localSeeds() {
        return LocalClusterSeeds.read(dataDir);
    }

    /** Node id → pid of the local cluster's nodes that are running (none when --node was given). */
    Map<String, Long> localPids() {
        Map<String, Long> pids = new HashMap<>();
        if (seedOptions() != null) {
            return pids;
        }
        for (JsonNode n : localNodes()) {
            long pid = n.path("pid").asLong();
            if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                pids.put(n.path("id").asText(), pid);
            }
        }
        return pids;
    }

    private JsonNode localNodes() {
        Path file = dataDir.resolve("cluster.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no --node given and no local cluster in " + dataDir
                    + " (start one with `shardraft cluster up`, or pass --node HOST:PORT)");
        }
        try {
            return new ObjectMapper().readTree(file.toFile()).path("nodes");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(file + " is not a valid cluster file: " + e.getMessage(), e);
        }
    }

    /** Prints one error line (and the stack trace with --verbose); returns exit code 1. */
    int fail(String message, Throwable cause) {
        return BenchCommands.fail(spec, verbose, message, cause);
    }
}

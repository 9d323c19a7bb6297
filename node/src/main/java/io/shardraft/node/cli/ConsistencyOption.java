package io.shardraft.node.cli;

import io.shardraft.api.v1.Consistency;
import picocli.CommandLine.Option;

/** The {@code --consistency} option of every read command (a picocli mixin). */
final class ConsistencyOption {
    @Option(names = "--consistency", paramLabel = "LEVEL", defaultValue = "strong",
            converter = ArgConverters.ConsistencyConverter.class,
            description = "strong, direct or eventual (default: ${DEFAULT-VALUE}).")
    Consistency level;
}

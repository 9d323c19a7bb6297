package io.shardraft.chaos.run;

import java.util.Objects;

/**
 * A named fault. The runner gives it a fresh cluster and a running workload.
 *
 * @param name        short id, used in the summary and file names
 * @param description one line for the summary
 * @param fault       what happens during the fault window
 */
public record Scenario(String name, String description, Fault fault) {
    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fault, "fault");
    }
}

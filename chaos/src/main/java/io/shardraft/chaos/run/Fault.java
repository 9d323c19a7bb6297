package io.shardraft.chaos.run;

import java.time.Duration;
import java.util.List;

/** What a scenario does to the cluster during its fault window. */
@FunctionalInterface
public interface Fault {

    /**
     * Injects the fault and returns when the window is over (a fault that changes over time — a flip-flop, a
     * rolling restart — runs its steps inside the window). The runner heals the cluster afterwards.
     */
    void inject(ScenarioContext context, Duration window) throws Exception;

    /** Problems the fault itself observed after healing (e.g. metadata that did not converge); none by default. */
    default List<String> verify(ScenarioContext context) throws Exception {
        return List.of();
    }
}

package io.shardraft.chaos.run;

import java.nio.file.Path;

/**
 * One scenario's figures.
 *
 * @param recoveryMillis heal → first successful write on every shard; -1 if the cluster did not recover in time
 * @param anomalies      lost writes + non-linearizable keys + divergent shards + problems the fault saw + errors
 * @param undecided      keys whose linearizability search hit its limit (neither proven nor refuted)
 * @param history        the history file, kept only when the scenario failed
 * @param details        the checker's report, and the error if the run broke
 */
public record ScenarioResult(String name, int operations, int acknowledged, int failed, int conflicts, int unknown,
                             int anomalies, int undecided, long recoveryMillis, long elapsedMillis, Path history,
                             String details) {

    public boolean passed() {
        return anomalies == 0 && recoveryMillis >= 0;
    }
}

package io.shardraft.chaos.run;

import io.shardraft.chaos.history.HistoryRecorder;

/** What a fault may use: the cluster, the index the workload runs on, and a log line sink. */
public record ScenarioContext(ChaosCluster cluster, String index, HistoryRecorder recorder, ChaosLog log) {
}

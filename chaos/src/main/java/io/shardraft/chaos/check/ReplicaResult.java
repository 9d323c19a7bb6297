package io.shardraft.chaos.check;

import java.util.List;

/**
 * @param shards    how many shards were compared
 * @param divergent the shards whose replicas differ (or could not all report)
 */
public record ReplicaResult(int shards, List<ReplicaDivergence> divergent) {

    public ReplicaResult {
        divergent = List.copyOf(divergent);
    }

    public boolean passed() {
        return divergent.isEmpty();
    }
}

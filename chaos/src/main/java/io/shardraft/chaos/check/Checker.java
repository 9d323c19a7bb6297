package io.shardraft.chaos.check;

import io.shardraft.chaos.history.History;

import java.util.Map;

/** Runs every check on one run's evidence. */
public final class Checker {

    private final LinearizabilityCheck linearizability;

    public Checker() {
        this(new LinearizabilityCheck());
    }

    public Checker(LinearizabilityCheck linearizability) {
        this.linearizability = linearizability;
    }

    /**
     * @param history          every operation of the workload
     * @param finalValues      per key, the value read at STRONG after healing (missing key = absent)
     * @param replicaChecksums per shard, per replica, the checksum after healing
     */
    public CheckReport check(History history, Map<String, String> finalValues,
                             Map<String, Map<String, String>> replicaChecksums) {
        return new CheckReport(history.size(), history.originNanos(),
                LostWriteCheck.check(history, finalValues),
                linearizability.check(history),
                ReplicaCheck.check(replicaChecksums));
    }
}

package io.shardraft.cluster.data;

/** How fresh a read must be. */
public enum ReadConsistency {
    /** Linearizable: JRaft ReadIndex (ReadOnlySafe) confirms the leader with a quorum, then this replica
     * waits until it has applied everything committed before the read. Works on any replica. */
    STRONG,
    /** The leader's state without a quorum round: a follower waits until it has applied the leader's
     * applied index. May be stale if the leader was deposed and does not know it yet. */
    DIRECT,
    /** This replica's local state as it is now; may lag the leader. */
    EVENTUAL
}

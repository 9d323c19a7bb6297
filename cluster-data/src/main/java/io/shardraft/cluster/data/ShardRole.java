package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.core.State;

/** The Raft role of a shard replica on this node. */
public enum ShardRole {
    LEADER, FOLLOWER, CANDIDATE, TRANSFERRING, ERROR, STOPPED;

    static ShardRole of(State state) {
        if (state == null) {
            return STOPPED;
        }
        return switch (state) {
            case STATE_LEADER -> LEADER;
            case STATE_FOLLOWER -> FOLLOWER;
            case STATE_CANDIDATE -> CANDIDATE;
            case STATE_TRANSFERRING -> TRANSFERRING;
            case STATE_ERROR -> ERROR;
            default -> STOPPED;
        };
    }
}

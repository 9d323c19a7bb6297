package io.shardraft.cluster.data;

import java.util.Optional;

/** A snapshot of one shard replica's Raft state, as reported by {@link Registry#stats()}. */
public record ShardStats(
        String index,
        String shard,
        String nodeId,
        ShardRole role,
        Optional<String> leaderId,
        long term,
        long committedIndex,
        long appliedIndex,
        long lastLogIndex) {
}

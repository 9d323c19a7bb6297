package io.shardraft.cluster.testing;

import io.shardraft.cluster.data.ShardStore;
import java.util.Collection;
import java.util.Optional;

/** The leader that every given replica of one shard agrees on: exactly one of them leads, all name it. */
public final class AgreedLeader {
    private AgreedLeader() {
    }

    public static Optional<String> among(Collection<ShardStore> replicas) {
        String leader = null;
        for (ShardStore s : replicas) {
            if (s.isLeader()) {
                if (leader != null) {
                    return Optional.empty();
                }
                leader = s.config().nodeId();
            }
        }
        if (leader == null) {
            return Optional.empty();
        }
        for (ShardStore s : replicas) {
            if (!s.leaderId().map(leader::equals).orElse(false)) {
                return Optional.empty();
            }
        }
        return Optional.of(leader);
    }
}

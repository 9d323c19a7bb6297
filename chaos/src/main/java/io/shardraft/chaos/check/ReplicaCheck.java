package io.shardraft.chaos.check;

import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.ReplicaChecksum;
import io.shardraft.api.v1.ShardCheck;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;

/**
 * After healing, every replica of every shard must hold the same state: equal checksums. A replica that
 * could not report a checksum ({@code null} or blank) makes its shard divergent too — an unverified shard
 * is not a passed one — as does a shard with no replica at all.
 */
public final class ReplicaCheck {

    private ReplicaCheck() {
    }

    /** @param checksumsByShard per shard, per replica (node id), the replica's checksum */
    public static ReplicaResult check(Map<String, Map<String, String>> checksumsByShard) {
        List<ReplicaDivergence> divergent = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> shard : checksumsByShard.entrySet()) {
            Map<String, String> replicas = shard.getValue();
            Set<String> distinct = new HashSet<>();
            boolean missing = replicas.isEmpty();
            for (String checksum : replicas.values()) {
                missing |= checksum == null || checksum.isBlank();
                distinct.add(checksum);
            }
            if (missing || distinct.size() > 1) {
                divergent.add(new ReplicaDivergence(shard.getKey(),
                        Collections.unmodifiableMap(new LinkedHashMap<>(replicas))));
            }
        }
        return new ReplicaResult(checksumsByShard.size(), divergent);
    }

    /** The input of {@link #check} from the admin API's answer; a replica that reported an error maps to null. */
    public static Map<String, Map<String, String>> checksums(ConsistencyCheckResponse response) {
        Map<String, Map<String, String>> byShard = new LinkedHashMap<>();
        for (ShardCheck shard : response.getShardsList()) {
            Map<String, String> replicas = new LinkedHashMap<>();
            for (ReplicaChecksum replica : shard.getReplicasList()) {
                replicas.put(replica.getNodeId(), replica.getError().isEmpty() ? replica.getChecksum() : null);
            }
            byShard.put(shard.getShard(), replicas);
        }
        return byShard;
    }
}

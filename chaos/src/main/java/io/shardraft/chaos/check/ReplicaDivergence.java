package io.shardraft.chaos.check;

import java.util.Map;

/**
 * A shard whose replicas do not all report the same checksum.
 *
 * @param shard     the shard
 * @param checksums per replica (node id), its checksum; {@code null} = the replica could not report one
 */
public record ReplicaDivergence(String shard, Map<String, String> checksums) {
}

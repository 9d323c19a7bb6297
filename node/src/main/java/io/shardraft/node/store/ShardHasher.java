package io.shardraft.node.store;

import com.google.common.base.Preconditions;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Maps an object id to its shard: murmur3_128 (seed 0) of the 16 big-endian UUID bytes, first 8 bytes
 * of the hash as a long, {@code Math.floorMod} by the shard count. Pure arithmetic, so every node and
 * every restart agrees. Changing anything here moves objects between shards: don't.
 */
public final class ShardHasher {

    private static final HashFunction HASH = Hashing.murmur3_128(0);

    private ShardHasher() {
    }

    /** The shard of {@code id} in {@code [0, shardCount)}. */
    public static int shardOf(UUID id, int shardCount) {
        Preconditions.checkArgument(shardCount > 0, "shardCount must be > 0, got %s", shardCount);
        byte[] bytes = ByteBuffer.allocate(16)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
        return Math.floorMod(HASH.hashBytes(bytes).asLong(), shardCount);
    }

    /** The shard of a canonical UUID string (any case). */
    public static int shardOf(String id, int shardCount) {
        return shardOf(UUID.fromString(id), shardCount);
    }

    /** The name of shard {@code shard}: {@code shard-0}, {@code shard-1}, ... */
    public static String shardName(int shard) {
        Preconditions.checkArgument(shard >= 0, "shard must be >= 0, got %s", shard);
        return "shard-" + shard;
    }
}

package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/**
 * Configuration of one shard replica's Raft group on this node.
 *
 * @param members  node ids of every replica of the shard (the group's initial configuration);
 *                 must contain {@code nodeId}
 * @param dataPath directory owned by the store: {@code raft/snapshot}, {@code raft/log} and {@code raft/meta}
 *                 (per-group log store only; the shared store keeps both) and the host shard's own files
 *                 under {@code host}
 */
public record ShardStoreConfig(
        String index,
        String shard,
        String nodeId,
        List<String> members,
        Path dataPath,
        AddressResolver addressResolver,
        RaftSettings settings) {

    public ShardStoreConfig {
        Names.checkName("index", index);
        Names.checkName("shard", shard);
        Preconditions.checkArgument(nodeId != null && !nodeId.isEmpty(), "nodeId must not be empty");
        Preconditions.checkArgument(members != null && !members.isEmpty(), "members must not be empty");
        members = ImmutableList.copyOf(members);
        Preconditions.checkArgument(new HashSet<>(members).size() == members.size(), "members has duplicates: %s", members);
        Preconditions.checkArgument(members.contains(nodeId),
                "members %s of %s/%s do not include this node %s", members, index, shard, nodeId);
        Preconditions.checkNotNull(dataPath, "dataPath");
        Preconditions.checkNotNull(addressResolver, "addressResolver");
        for (String m : members) {
            Preconditions.checkArgument(addressResolver.resolve(m).isPresent(),
                    "member %s of %s/%s has no address in %s", m, index, shard, addressResolver);
        }
        settings = settings == null ? RaftSettings.DEFAULTS : settings;
    }

    public String groupId() {
        return Names.groupId(index, shard);
    }

    Path raftDir() {
        return dataPath.resolve("raft");
    }

    /** Where the host shard keeps its files. */
    public Path hostDir() {
        return dataPath.resolve("host");
    }
}

package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import io.shardraft.cluster.spi.HostShardFactory;
import java.util.Optional;

/**
 * Configuration of the per-index Raft manager.
 *
 * @param hostShardFactory opens the host shard for {@link IndexRaft#getOrCreateStore}; may be null when
 *                         the host always passes its shard to {@link IndexRaft#onShardCreated}
 */
public record IndexRaftConfig(
        String index,
        String nodeId,
        AddressResolver addressResolver,
        int raftPort,
        RaftSettings settings,
        HostShardFactory hostShardFactory) {

    public IndexRaftConfig {
        Names.checkName("index", index);
        Preconditions.checkArgument(nodeId != null && !nodeId.isEmpty(), "nodeId must not be empty");
        Preconditions.checkNotNull(addressResolver, "addressResolver");
        Preconditions.checkArgument(raftPort > 0 && raftPort < 65536, "raftPort out of range: %s", raftPort);
        settings = settings == null ? RaftSettings.DEFAULTS : settings;
    }

    public Optional<HostShardFactory> hostShards() {
        return Optional.ofNullable(hostShardFactory);
    }
}

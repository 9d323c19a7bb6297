package io.shardraft.cluster.spi;

import java.nio.file.Path;

/** Opens (or creates) the host's shard replica for a Raft group, keeping its files under {@code dir}. */
@FunctionalInterface
public interface HostShardFactory {
    HostShard open(String index, String shard, Path dir) throws java.io.IOException;
}

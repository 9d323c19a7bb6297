package io.shardraft.node.store;

/**
 * {@link MapDbShardSnapshotTest} for the node's replicated shards: no MapDB transactions, mmap, and a snapshot loaded
 * by building a fresh file from it ({@code createFromSink}) instead of clearing and re-inserting.
 */
class MapDbShardSnapshotReplicatedTest extends MapDbShardSnapshotTest {

    @Override
    MapDbShardConfig config() {
        return MapDbShardConfig.REPLICATED;
    }
}

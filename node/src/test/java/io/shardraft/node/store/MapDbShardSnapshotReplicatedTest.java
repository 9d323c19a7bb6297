package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.put;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.cluster.spi.SnapshotSave;
import org.junit.jupiter.api.Test;

/**
 * {@link MapDbShardSnapshotTest} for the node's replicated shards: no MapDB transactions, mmap, and a snapshot loaded
 * by building a fresh file from it ({@code createFromSink}) instead of clearing and re-inserting; their snapshots are
 * written while later entries are applied.
 */
class MapDbShardSnapshotReplicatedTest extends MapDbShardSnapshotTest {

    @Override
    MapDbShardConfig config() {
        return MapDbShardConfig.REPLICATED;
    }

    @Test
    void aSnapshotBeingWrittenIsGivenUpWhenASnapshotIsLoadedOrTheShardCloses() throws Exception {
        fill(source, 3_000);
        source.saveSnapshot(tmp.resolve("other"));
        SnapshotSave save = source.startSnapshot(snapDir);
        source.loadSnapshot(tmp.resolve("other"));
        RuntimeException e = assertThrows(RuntimeException.class, save::write);
        assertTrue(e.getMessage().contains("given up: a snapshot is loaded"), e.getMessage());

        SnapshotSave again = source.startSnapshot(snapDir);
        assertThrows(java.io.IOException.class, () -> source.startSnapshot(tmp.resolve("third")),
                "one snapshot at a time");
        source.apply(source.lastAppliedIndex() + 1, put(T0, "late", "{}", 1f, 1f, 1f));
        source.close();
        e = assertThrows(RuntimeException.class, again::write);
        assertTrue(e.getMessage().contains("given up: the shard is closing"), e.getMessage());
    }
}

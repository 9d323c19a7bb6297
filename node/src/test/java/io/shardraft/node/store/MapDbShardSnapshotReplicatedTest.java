package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void appliesWaitForASnapshotWhoseRecordedValuesPassTheLimitAndGoOnOnceItIsWritten() throws Exception {
        java.util.List<String> ids = fill(source, 3_000);
        String atStart = source.checksum();
        long index = source.lastAppliedIndex();
        source.cutMaxBytes = 100;
        SnapshotSave save = source.startSnapshot(snapDir);
        // one batch replacing three objects: it goes through and leaves more than 100 bytes recorded
        source.apply(++index, Commands.putBatch(T0, Commands.putItem(ids.get(0), "{\"r\":1}", 1f, 1f, 1f),
                Commands.putItem(ids.get(1), "{\"r\":1}", 1f, 1f, 1f),
                Commands.putItem(ids.get(2), "{\"r\":1}", 1f, 1f, 1f)));
        long next = index + 1;
        Thread applier = new Thread(() -> source.apply(next, put(T0, ids.get(3), "{\"r\":2}", 1f, 1f, 1f)));
        applier.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (applier.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, applier.getState(), "the next apply waits for the snapshot");

        save.write();
        applier.join(5_000);
        assertFalse(applier.isAlive(), "the apply went on once the snapshot was written");
        assertEquals(next, source.lastAppliedIndex());
        target.loadSnapshot(snapDir);
        assertEquals(atStart, target.checksum());
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

package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.merge;
import static io.shardraft.node.store.Commands.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.cluster.spi.LoggedCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state machine hands a shard every command of a Raft batch at once: one MapDB commit per batch. */
class MapDbShardBatchTest {
    static final IndexSchema SCHEMA = new IndexSchema("batch", 2, Distance.L2);

    @TempDir
    Path dir;

    private static String id(int i) {
        return new UUID(7, i).toString();
    }

    @Test
    void aBatchAppliesInOrderWithOneResultPerCommandAndIsDurableAfterReopen() throws Exception {
        try (MapDbShard shard = MapDbShard.open("batch/shard-0", dir, SCHEMA)) {
            List<CommandResult> results = shard.applyBatch(List.of(
                    new LoggedCommand(1, put(T0, id(1), "{\"a\":1}", 1, 1)),
                    new LoggedCommand(2, put(T0, id(2), "{\"a\":2}", 2, 2)),
                    new LoggedCommand(3, merge(T0, id(1), "{\"b\":3}"))));
            assertEquals(3, results.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(i + 1, results.get(i).getLogIndex());
                assertEquals(ItemStatus.ITEM_OK, results.get(i).getItems(0).getStatus());
            }
            assertEquals(3, shard.lastAppliedIndex());
            // the merge saw the put of the same batch
            assertEquals(3, shard.get(id(1)).orElseThrow().version());
            assertTrue(shard.get(id(1)).orElseThrow().propertiesJson().contains("\"b\":3"));
        }
        try (MapDbShard shard = MapDbShard.open("batch/shard-0", dir, SCHEMA)) {
            assertEquals(3, shard.lastAppliedIndex());
            assertEquals(2, shard.count());
            // a replayed tail: what the shard holds is skipped, the rest applied
            List<CommandResult> results = shard.applyBatch(List.of(
                    new LoggedCommand(2, put(T0, id(9), "{\"again\":true}", 0, 0)),
                    new LoggedCommand(3, put(T0, id(9), "{\"again\":true}", 0, 0)),
                    new LoggedCommand(4, put(T0, id(4), "{\"a\":4}", 4, 4))));
            assertEquals(0, results.get(0).getItemsCount());
            assertEquals(0, results.get(1).getItemsCount());
            assertEquals(ItemStatus.ITEM_OK, results.get(2).getItems(0).getStatus());
            assertEquals(4, shard.lastAppliedIndex());
            assertTrue(shard.get(id(9)).isEmpty(), "replayed entries changed nothing");
            assertEquals(3, shard.count());
        }
    }

    @Test
    void theCommandsOfABundleShareTheirEntrysIndexAndAReplayOfItChangesNothing() throws Exception {
        try (MapDbShard shard = MapDbShard.open("batch/shard-0", dir, SCHEMA)) {
            assertTrue(shard.appliesBundles());
            shard.applyBatch(List.of(new LoggedCommand(1, put(T0, id(1), "{\"a\":1}", 1, 1))));
            // entry 2 is a bundle of three writes, entry 3 a plain one: one applyBatch, as the state machine calls it
            List<CommandResult> results = shard.applyBatch(List.of(
                    new LoggedCommand(2, put(T0, id(2), "{\"a\":2}", 2, 2)),
                    new LoggedCommand(2, merge(T0, id(1), "{\"b\":2}")),
                    new LoggedCommand(2, Commands.putExpecting(T0, 7, id(3), "{\"a\":3}", 3, 3)),
                    new LoggedCommand(3, put(T0, id(4), "{\"a\":4}", 4, 4))));
            assertEquals(ItemStatus.ITEM_OK, results.get(0).getItems(0).getStatus());
            assertEquals(ItemStatus.ITEM_OK, results.get(1).getItems(0).getStatus(), "not taken for a replay of 2");
            assertEquals(ItemStatus.ITEM_CONFLICT, results.get(2).getItems(0).getStatus());
            assertEquals(ItemStatus.ITEM_OK, results.get(3).getItems(0).getStatus());
            assertEquals(2, shard.get(id(2)).orElseThrow().version());
            assertEquals(2, shard.get(id(1)).orElseThrow().version());
            assertTrue(shard.get(id(1)).orElseThrow().propertiesJson().contains("\"b\":2"));
            assertTrue(shard.get(id(3)).isEmpty(), "the conditional put lost");
            assertEquals(3, shard.lastAppliedIndex());
        }
        try (MapDbShard shard = MapDbShard.open("batch/shard-0", dir, SCHEMA)) {
            assertEquals(3, shard.lastAppliedIndex());
            // the log's tail replayed from the bundle on: skipped whole, then the next entry's bundle applies whole
            List<CommandResult> results = shard.applyBatch(List.of(
                    new LoggedCommand(2, put(T0, id(2), "{\"replayed\":true}", 0, 0)),
                    new LoggedCommand(2, put(T0, id(5), "{\"replayed\":true}", 0, 0)),
                    new LoggedCommand(3, put(T0, id(4), "{\"replayed\":true}", 0, 0)),
                    new LoggedCommand(4, put(T0, id(6), "{\"a\":6}", 6, 6)),
                    new LoggedCommand(4, put(T0, id(7), "{\"a\":7}", 7, 7))));
            for (int i = 0; i < 3; i++) {
                assertEquals(0, results.get(i).getItemsCount(), "replayed command " + i);
            }
            assertEquals(ItemStatus.ITEM_OK, results.get(3).getItems(0).getStatus());
            assertEquals(ItemStatus.ITEM_OK, results.get(4).getItems(0).getStatus());
            assertTrue(shard.get(id(5)).isEmpty());
            assertTrue(shard.get(id(2)).orElseThrow().propertiesJson().contains("\"a\":2"));
            assertEquals(4, shard.get(id(7)).orElseThrow().version());
            assertEquals(4, shard.lastAppliedIndex());
        }
    }

    @Test
    void noReaderSeesPartOfABatch() throws Exception {
        int batches = 60;
        int perBatch = 10;
        try (MapDbShard shard = MapDbShard.open("batch/shard-0", dir, SCHEMA)) {
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<String> torn = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                while (!done.get() && torn.get() == null) {
                    long n = shard.count();
                    if (n % perBatch != 0) {
                        torn.set("a reader saw " + n + " objects, not a whole number of batches of " + perBatch);
                    }
                }
            });
            reader.start();
            long index = 0;
            for (int b = 0; b < batches; b++) {
                List<LoggedCommand> batch = new ArrayList<>();
                for (int i = 0; i < perBatch; i++) {
                    int n = b * perBatch + i;
                    batch.add(new LoggedCommand(++index, put(T0, id(n), "{\"n\":" + n + "}", n, n)));
                }
                shard.applyBatch(batch);
            }
            done.set(true);
            reader.join(30_000);
            assertNull(torn.get(), torn::get);
            assertEquals(batches * perBatch, shard.count());
            assertEquals(index, shard.lastAppliedIndex());
        }
    }
}

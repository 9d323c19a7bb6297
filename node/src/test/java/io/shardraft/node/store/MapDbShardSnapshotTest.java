package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.put;
import static io.shardraft.node.store.Commands.putBatch;
import static io.shardraft.node.store.Commands.putItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.PutObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapDbShardSnapshotTest {

    static final IndexSchema SCHEMA = MapDbShardTest.SCHEMA;

    @TempDir
    Path tmp;
    MapDbShard source;
    MapDbShard target;
    Path snapDir;

    /** How the shards open: transactional here, without transactions in {@link MapDbShardSnapshotReplicatedTest}. */
    MapDbShardConfig config() {
        return MapDbShardConfig.DEFAULT;
    }

    @BeforeEach
    void setUp() throws IOException {
        source = MapDbShard.open("things/shard-0@a", tmp.resolve("a"), SCHEMA, config());
        target = MapDbShard.open("things/shard-0@b", tmp.resolve("b"), SCHEMA, config());
        snapDir = tmp.resolve("snap");
        List<Command> log = MapDbShardTest.randomLog(new Random(11), 300);
        MapDbShardTest.applyLog(source, log);
    }

    /**
     * Fills {@code shard} after its random log with {@code count} objects in batches (log indexes from 301), so that a
     * snapshot of it spans many read chunks; returns their ids.
     */
    static List<String> fill(MapDbShard shard, int count) {
        List<String> ids = new ArrayList<>();
        Random rnd = new Random(5);
        long index = 301;
        for (int done = 0; done < count; done += 500) {
            PutObject[] batch = new PutObject[500];
            for (int i = 0; i < batch.length; i++) {
                String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
                ids.add(id);
                batch[i] = putItem(id, "{\"i\":" + (done + i) + "}", 0.5f, 0.25f, 0.125f);
            }
            shard.apply(index++, putBatch(T0, batch));
        }
        return ids;
    }

    @Test
    void aSnapshotHoldsTheStateWhenItStartedWhileWritesAfterItAreApplied() throws Exception {
        List<String> ids = fill(source, 6_000);
        String atStart = source.checksum();
        long indexAtStart = source.lastAppliedIndex();
        io.shardraft.cluster.spi.SnapshotSave save = source.startSnapshot(snapDir);

        // writes after the start, before and while the snapshot is written: new objects, replaced ones, deleted ones,
        // spread over the whole key range (ahead of and behind where the writing is)
        Random rnd = new Random(9);
        long[] index = {indexAtStart};
        Runnable someWrites = () -> {
            for (int i = 0; i < 50; i++) {
                String id = ids.get(rnd.nextInt(ids.size()));
                switch (i % 3) {
                    case 0 -> source.apply(++index[0], put(T0 + 1, id, "{\"replaced\":" + i + "}", 1f, 2f, 3f));
                    case 1 -> source.apply(++index[0], Commands.delete(T0 + 1, id));
                    default -> source.apply(++index[0], put(T0 + 1, UUID.randomUUID().toString(), "{}", 1f, 1f, 1f));
                }
            }
        };
        someWrites.run();
        Thread writer = new Thread(() -> {
            try {
                save.write();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<Throwable> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        writer.setUncaughtExceptionHandler((t, e) -> failed.add(e));
        writer.start();
        while (writer.isAlive()) {
            someWrites.run();
        }
        writer.join();
        assertEquals(List.of(), failed);
        assertNotEquals(atStart, source.checksum(), "the source changed after the snapshot started");

        target.loadSnapshot(snapDir);
        assertEquals(indexAtStart, target.lastAppliedIndex());
        assertEquals(atStart, target.checksum(), "the snapshot holds the state at its start, not later writes");
    }

    @AfterEach
    void tearDown() {
        source.close();
        target.close();
    }

    @Test
    void snapshotRoundTripsIntoAnEmptyShard() throws IOException {
        assertTrue(source.count() > 0);
        source.saveSnapshot(snapDir);
        try (var files = Files.list(snapDir)) {
            assertEquals(List.of(SnapshotFile.FILE_NAME),
                    files.map(p -> p.getFileName().toString()).toList(), "one self-contained file, no temp left");
        }

        target.loadSnapshot(snapDir);
        assertEquals(source.checksum(), target.checksum());
        assertEquals(source.scan(null, 100_000), target.scan(null, 100_000));
        assertEquals(source.count(), target.count());
        assertEquals(300, target.lastAppliedIndex());

        // the log continues after the snapshot: older entries are skipped, newer ones apply
        String id = "00000000-0000-4000-8000-0000000000ff";
        assertEquals(0, target.apply(300, put(T0, id, "{}")).getItemsCount());
        assertEquals(1, target.apply(301, put(T0, id, "{}")).getItemsCount());
        source.apply(301, put(T0, id, "{}"));
        assertEquals(source.checksum(), target.checksum());
    }

    @Test
    void loadedSnapshotSurvivesReopen() throws IOException {
        source.saveSnapshot(snapDir);
        target.loadSnapshot(snapDir);
        target.close();
        target = MapDbShard.open("things/shard-0@b", tmp.resolve("b"), SCHEMA, config());
        assertEquals(source.checksum(), target.checksum());
        assertEquals(300, target.lastAppliedIndex());
    }

    @Test
    void loadReplacesExistingContent() throws IOException {
        String stray = "00000000-0000-4000-8000-0000000000ee";
        target.apply(1, put(T0, stray, "{\"old\":true}"));
        target.apply(2, put(T0, "00000000-0000-4000-8000-0000000000ef", "{}"));
        source.saveSnapshot(snapDir);
        target.loadSnapshot(snapDir);
        assertFalse(target.exists(stray), "content not in the snapshot is gone");
        assertEquals(source.checksum(), target.checksum());
    }

    @Test
    void emptyShardSnapshot(@TempDir Path emptyDir) throws IOException {
        try (MapDbShard empty = MapDbShard.open("things/empty", emptyDir.resolve("db"), SCHEMA, config())) {
            empty.saveSnapshot(emptyDir.resolve("snap"));
            source.loadSnapshot(emptyDir.resolve("snap"));
            assertEquals(0, source.count());
            assertEquals(0, source.lastAppliedIndex());
            assertEquals(empty.checksum(), source.checksum());
        }
    }

    @Test
    void flippedByteIsRejectedAndTargetKeepsItsContent() throws IOException {
        assertCorruptionRejected(bytes -> {
            byte[] copy = bytes.clone();
            copy[copy.length / 2] ^= 0x40;
            return copy;
        });
    }

    @Test
    void truncatedFileIsRejectedAndTargetKeepsItsContent() throws IOException {
        assertCorruptionRejected(bytes -> Arrays.copyOf(bytes, bytes.length / 2));
    }

    @Test
    void missingTrailerIsRejected() throws IOException {
        assertCorruptionRejected(bytes -> Arrays.copyOf(bytes, bytes.length - 32));
    }

    @Test
    void trailingGarbageIsRejected() throws IOException {
        assertCorruptionRejected(bytes -> Arrays.copyOf(bytes, bytes.length + 3));
    }

    @Test
    void missingFileIsRejected() {
        IOException e = assertThrows(IOException.class, () -> target.loadSnapshot(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains(SnapshotFile.FILE_NAME), e.getMessage());
    }

    @Test
    void anOutOfOrderSnapshotIsRejectedBeforeAnythingIsTouched() throws IOException {
        String kept = "00000000-0000-4000-8000-0000000000aa";
        target.apply(5, put(T0, kept, "{\"keep\":1}"));
        String before = target.checksum();
        List<StoredObject> objects = source.scan(null, 100_000);
        List<Map.Entry<String, byte[]>> reversed = new ArrayList<>();
        for (int i = objects.size() - 1; i >= 0; i--) {
            reversed.add(Map.entry(objects.get(i).id(), ObjectCodec.encode(objects.get(i))));
        }
        Files.createDirectories(snapDir);
        Path file = snapDir.resolve(SnapshotFile.FILE_NAME);
        SnapshotFile.write(file, 300, reversed.size(), reversed.iterator());

        IOException e = assertThrows(IOException.class, () -> target.loadSnapshot(snapDir));
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
        assertEquals(before, target.checksum(), "previous content untouched");
        assertEquals(5, target.lastAppliedIndex());
    }

    @Test
    void aLargeSnapshotLoadsWhole(@TempDir Path big) throws IOException {
        try (MapDbShard large = MapDbShard.open("things/large", big.resolve("db"), SCHEMA, config())) {
            int n = 5_000;
            for (int b = 0; b < n / 100; b++) {
                PutObject[] puts = new PutObject[100];
                for (int j = 0; j < 100; j++) {
                    puts[j] = putItem(new UUID(b, j).toString(), "{\"b\":" + b + ",\"j\":" + j + "}", b, j, 1);
                }
                CommandResult r = large.apply(b + 1, putBatch(T0 + b, puts));
                assertEquals(ItemStatus.ITEM_OK, r.getItems(99).getStatus(), r.toString());
            }
            large.saveSnapshot(big.resolve("snap"));
            target.loadSnapshot(big.resolve("snap"));
            assertEquals(n, target.count());
            assertEquals(large.checksum(), target.checksum());
            target.close();
            target = MapDbShard.open("things/shard-0@b", tmp.resolve("b"), SCHEMA, config());
            assertEquals(n, target.count(), "the open-time verification counts every loaded object");
            assertEquals(large.checksum(), target.checksum());
            assertEquals(n / 100, target.lastAppliedIndex());
        }
    }

    private void assertCorruptionRejected(UnaryOperator<byte[]> corrupt) throws IOException {
        String previous = "00000000-0000-4000-8000-0000000000aa";
        target.apply(5, put(T0, previous, "{\"keep\":1}", 1, 2, 3));
        String before = target.checksum();

        source.saveSnapshot(snapDir);
        Path file = snapDir.resolve(SnapshotFile.FILE_NAME);
        Files.write(file, corrupt.apply(Files.readAllBytes(file)));

        IOException e = assertThrows(IOException.class, () -> target.loadSnapshot(snapDir));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        assertEquals(before, target.checksum(), "previous content untouched");
        assertEquals(1, target.count());
        assertEquals(5, target.lastAppliedIndex());
        assertNotEquals(source.checksum(), target.checksum());
    }
}

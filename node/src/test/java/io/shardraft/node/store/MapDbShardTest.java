package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.delete;
import static io.shardraft.node.store.Commands.deleteBatch;
import static io.shardraft.node.store.Commands.deleteExpecting;
import static io.shardraft.node.store.Commands.deleteItem;
import static io.shardraft.node.store.Commands.merge;
import static io.shardraft.node.store.Commands.mergeExpecting;
import static io.shardraft.node.store.Commands.mergeVector;
import static io.shardraft.node.store.Commands.put;
import static io.shardraft.node.store.Commands.putBatch;
import static io.shardraft.node.store.Commands.putExpecting;
import static io.shardraft.node.store.Commands.putItem;
import static io.shardraft.node.store.Commands.putItemExpecting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapDbShardTest {

    static final IndexSchema SCHEMA = new IndexSchema("things", 3, Distance.L2);
    static final String A = "00000000-0000-4000-8000-00000000000a";
    static final String B = "00000000-0000-4000-8000-00000000000b";
    static final String C = "00000000-0000-4000-8000-00000000000c";

    @TempDir
    Path dir;
    MapDbShard shard;

    @BeforeEach
    void open() throws IOException {
        shard = MapDbShard.open("things/shard-0", dir, SCHEMA);
    }

    @AfterEach
    void close() {
        shard.close();
    }

    private static ItemResult only(CommandResult r) {
        assertEquals(1, r.getItemsCount(), r.toString());
        return r.getItems(0);
    }

    private StoredObject stored(String id) {
        return shard.get(id).orElseThrow(() -> new AssertionError(id + " missing"));
    }

    @Test
    void putCreatesThenReplacesKeepingCreationTime() {
        ItemResult created = only(shard.apply(1, put(T0, A, "{\"b\":1, \"a\":\"x\"}", 1, 2, 3)));
        assertEquals(ItemStatus.ITEM_OK, created.getStatus());
        assertEquals(A, created.getId());
        assertEquals(1, created.getVersion());

        StoredObject first = stored(A);
        assertEquals("{\"a\":\"x\",\"b\":1}", first.propertiesJson(), "normalized: compact, keys sorted");
        assertArrayEquals(new float[] {1, 2, 3}, first.vector());
        assertEquals(new StoredObject(A, "{\"a\":\"x\",\"b\":1}", new float[] {1, 2, 3}, 1, T0, T0), first);

        ItemResult replaced = only(shard.apply(2, put(T0 + 50, A, "{\"c\":true}")));
        assertEquals(ItemStatus.ITEM_OK, replaced.getStatus());
        assertEquals(2, replaced.getVersion());
        StoredObject second = stored(A);
        assertEquals("{\"c\":true}", second.propertiesJson());
        assertNull(second.vector(), "a put without a vector replaces the vector too");
        assertEquals(2, second.version());
        assertEquals(T0, second.createdAtMillis());
        assertEquals(T0 + 50, second.updatedAtMillis());
        assertEquals(2, shard.lastAppliedIndex());
    }

    @Test
    void readsAcceptUpperCaseIdsAndApplyStoresLowerCase() {
        only(shard.apply(1, put(T0, A.toUpperCase(), "{}")));
        assertTrue(shard.exists(A));
        assertTrue(shard.exists(A.toUpperCase()));
        assertEquals(A, stored(A.toUpperCase()).id());
        assertEquals(1, shard.count());
    }

    @Test
    void deleteRemovesAndReportsMissing() {
        shard.apply(1, put(T0, A, "{}", 1, 1, 1));
        ItemResult deleted = only(shard.apply(2, delete(T0, A)));
        assertEquals(ItemStatus.ITEM_OK, deleted.getStatus());
        assertEquals(0, deleted.getVersion());
        assertFalse(shard.exists(A));
        assertEquals(Optional.empty(), shard.get(A));
        assertEquals(0, shard.count());

        ItemResult again = only(shard.apply(3, delete(T0, A)));
        assertEquals(ItemStatus.ITEM_NOT_FOUND, again.getStatus());
        assertEquals(3, shard.lastAppliedIndex(), "a NOT_FOUND entry is still applied");
    }

    @Test
    void mergePatchFollowsRfc7386() {
        shard.apply(1, put(T0, A, "{\"name\":\"a\",\"tags\":[1,2],\"meta\":{\"x\":1,\"y\":{\"z\":2,\"w\":3}},\"gone\":5}",
                1, 2, 3));
        ItemResult r = only(shard.apply(2, merge(T0 + 10, A,
                "{\"gone\":null,\"tags\":[3],\"meta\":{\"x\":null,\"y\":{\"z\":20},\"n\":\"new\"},\"added\":{\"k\":null,\"v\":1}}")));
        assertEquals(ItemStatus.ITEM_OK, r.getStatus());
        assertEquals(2, r.getVersion());

        StoredObject o = stored(A);
        assertEquals("{\"added\":{\"v\":1},\"meta\":{\"n\":\"new\",\"y\":{\"w\":3,\"z\":20}},\"name\":\"a\",\"tags\":[3]}",
                o.propertiesJson());
        assertArrayEquals(new float[] {1, 2, 3}, o.vector(), "no vector in the patch keeps the vector");
        assertEquals(2, o.version());
        assertEquals(T0, o.createdAtMillis());
        assertEquals(T0 + 10, o.updatedAtMillis());
    }

    @Test
    void mergeVectorReplacesOnlyTheVector() {
        shard.apply(1, put(T0, A, "{\"k\":1}", 1, 2, 3));
        only(shard.apply(2, mergeVector(T0, A, 9, 8, 7)));
        StoredObject o = stored(A);
        assertEquals("{\"k\":1}", o.propertiesJson());
        assertArrayEquals(new float[] {9, 8, 7}, o.vector());
    }

    @Test
    void mergeOfMissingObjectIsNotFound() {
        ItemResult r = only(shard.apply(1, merge(T0, A, "{\"a\":1}")));
        assertEquals(ItemStatus.ITEM_NOT_FOUND, r.getStatus());
        assertEquals(0, r.getVersion());
        assertFalse(shard.exists(A));
    }

    @Test
    void conditionalPut() {
        ItemResult createOnly = only(shard.apply(1, putExpecting(T0, 0, A, "{\"v\":1}")));
        assertEquals(ItemStatus.ITEM_OK, createOnly.getStatus());

        ItemResult createAgain = only(shard.apply(2, putExpecting(T0, 0, A, "{\"v\":2}")));
        assertEquals(ItemStatus.ITEM_CONFLICT, createAgain.getStatus());
        assertTrue(createAgain.getMessage().contains("its version is 1"), createAgain.getMessage());
        assertEquals(1, createAgain.getVersion(), "a conflict reports the stored version");

        ItemResult stale = only(shard.apply(3, putExpecting(T0, 7, A, "{\"v\":3}")));
        assertEquals(ItemStatus.ITEM_CONFLICT, stale.getStatus());
        assertTrue(stale.getMessage().contains("expected version 7"), stale.getMessage());
        assertTrue(stale.getMessage().contains("stored version is 1"), stale.getMessage());
        assertEquals("{\"v\":1}", stored(A).propertiesJson(), "nothing written on conflict");
        assertEquals(1, stored(A).version());

        ItemResult match = only(shard.apply(4, putExpecting(T0, 1, A, "{\"v\":4}")));
        assertEquals(ItemStatus.ITEM_OK, match.getStatus());
        assertEquals(4, match.getVersion());
        assertEquals("{\"v\":4}", stored(A).propertiesJson());

        ItemResult missing = only(shard.apply(5, putExpecting(T0, 3, B, "{}")));
        assertEquals(ItemStatus.ITEM_CONFLICT, missing.getStatus());
        assertFalse(shard.exists(B));
        assertEquals(5, shard.lastAppliedIndex());
    }

    @Test
    void conditionalMergeAndDelete() {
        shard.apply(1, put(T0, A, "{\"v\":1}"));

        ItemResult badMerge = only(shard.apply(2, mergeExpecting(T0, 9, A, "{\"v\":2}")));
        assertEquals(ItemStatus.ITEM_CONFLICT, badMerge.getStatus());
        assertEquals("{\"v\":1}", stored(A).propertiesJson());

        ItemResult goodMerge = only(shard.apply(3, mergeExpecting(T0, 1, A, "{\"v\":3}")));
        assertEquals(ItemStatus.ITEM_OK, goodMerge.getStatus());
        assertEquals("{\"v\":3}", stored(A).propertiesJson());

        ItemResult badDelete = only(shard.apply(4, deleteExpecting(T0, 1, A)));
        assertEquals(ItemStatus.ITEM_CONFLICT, badDelete.getStatus());
        assertTrue(shard.exists(A), "nothing deleted on conflict");

        ItemResult goodDelete = only(shard.apply(5, deleteExpecting(T0, 3, A)));
        assertEquals(ItemStatus.ITEM_OK, goodDelete.getStatus());
        assertFalse(shard.exists(A));
    }

    @Test
    void batchWritesOkItemsAndSkipsConflictingOnes() {
        shard.apply(1, put(T0, A, "{\"v\":1}"));
        CommandResult r = shard.apply(2, putBatch(T0 + 1,
                putItemExpecting(0, A, "{\"v\":2}"),      // conflict: exists
                putItem(B, "{\"v\":2}", 1, 1, 1),
                putItemExpecting(0, C, "{\"v\":2}"),      // ok: create-only
                putItemExpecting(1, A, "{\"v\":22}")));   // ok: matches
        assertEquals(2, r.getLogIndex());
        assertEquals(List.of(ItemStatus.ITEM_CONFLICT, ItemStatus.ITEM_OK, ItemStatus.ITEM_OK, ItemStatus.ITEM_OK),
                r.getItemsList().stream().map(ItemResult::getStatus).toList());
        assertEquals(List.of(A, B, C, A), r.getItemsList().stream().map(ItemResult::getId).toList());
        assertEquals(List.of(1L, 2L, 2L, 2L), r.getItemsList().stream().map(ItemResult::getVersion).toList());
        assertEquals("{\"v\":22}", stored(A).propertiesJson());
        assertEquals(3, shard.count());

        CommandResult d = shard.apply(3, deleteBatch(T0 + 2,
                deleteItem(B), deleteItem(B), deleteItem(C, 1), deleteItem(A, 2)));
        assertEquals(List.of(ItemStatus.ITEM_OK, ItemStatus.ITEM_NOT_FOUND, ItemStatus.ITEM_CONFLICT, ItemStatus.ITEM_OK),
                d.getItemsList().stream().map(ItemResult::getStatus).toList());
        assertEquals(List.of(C), shard.scan(null, 10).stream().map(StoredObject::id).toList());
    }

    @Test
    void invalidItemsAreRejectedAtApplyWithoutBreakingTheBatch() {
        CommandResult r = shard.apply(1, putBatch(T0,
                putItem(A, "{}", 1, 2, 3),
                putItem(B, "{}", 1, 2),            // wrong dimensions
                putItem("not-a-uuid", "{}"),
                putItem(C, "[1]")));
        assertEquals(List.of(ItemStatus.ITEM_OK, ItemStatus.ITEM_REJECTED, ItemStatus.ITEM_REJECTED, ItemStatus.ITEM_REJECTED),
                r.getItemsList().stream().map(ItemResult::getStatus).toList());
        assertEquals("puts[1].object.vector: expected 3 dimensions, got 2", r.getItems(1).getMessage());
        assertEquals(1, shard.count());

        ItemResult noOp = only(shard.apply(2, Command.newBuilder().setProposedAtMillis(T0).build()));
        assertEquals(ItemStatus.ITEM_REJECTED, noOp.getStatus());
        assertEquals(2, shard.lastAppliedIndex());
    }

    @Test
    void anAdmittedCommandIsAppliedWithoutCheckingItAgainAndAnyOtherIsChecked() {
        // Properties in a form the validator would rewrite (key order, spaces): only an unmarked command is rewritten.
        String raw = "{\"b\": 1, \"a\": 2}";
        shard.apply(1, put(T0, A, raw, 1, 2, 3).toBuilder().setAdmitted(true).build());
        shard.apply(2, put(T0, B, raw, 1, 2, 3));
        assertEquals(raw, stored(A).propertiesJson());
        assertEquals("{\"a\":2,\"b\":1}", stored(B).propertiesJson());

        // What admission gives a command from another node: normalized, marked, and so applied as it is.
        Command admitted = shard.admit(put(T0, C.toUpperCase(), raw, 1, 2, 3));
        assertTrue(admitted.getAdmitted());
        assertEquals(C, admitted.getPut().getObject().getId());
        assertEquals(ItemStatus.ITEM_OK, only(shard.apply(3, admitted)).getStatus());
        assertEquals("{\"a\":2,\"b\":1}", stored(C).propertiesJson());

        // A merged result is always checked: it depends on the stored object, which no admission saw.
        Command bigPatch = merge(T0, A, "{\"pad\":\"" + "x".repeat(SCHEMA.maxObjectBytes()) + "\"}").toBuilder()
                .setAdmitted(true).build();
        assertEquals(ItemStatus.ITEM_REJECTED, only(shard.apply(4, bigPatch)).getStatus());
        assertEquals(raw, stored(A).propertiesJson());
    }

    @Test
    void admissionRefusesWhatMustNotBeProposedNamingTheField() {
        ObjectValidationException e = assertThrows(ObjectValidationException.class,
                () -> shard.admit(put(T0, A, "[1]", 1, 2, 3)));
        assertEquals("put.object.properties_json: must be a JSON object, got an array", e.getMessage());
        assertThrows(ObjectValidationException.class, () -> shard.admit(put(T0, A, "{}", 1, 2)));
        assertEquals(0, shard.count());
    }

    @Test
    void scanPagesInIdOrder() {
        List<String> ids = new ArrayList<>();
        Random rnd = new Random(7);
        List<Command> puts = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
            ids.add(id);
            puts.add(put(T0, id, "{\"i\":" + i + "}"));
        }
        for (int i = 0; i < puts.size(); i++) {
            shard.apply(i + 1, puts.get(i));
        }
        ids.sort(null);
        List<String> seen = new ArrayList<>();
        String after = null;
        List<StoredObject> page;
        while (!(page = shard.scan(after, 10)).isEmpty()) {
            assertTrue(page.size() <= 10);
            page.forEach(o -> seen.add(o.id()));
            after = page.get(page.size() - 1).id();
        }
        assertEquals(ids, seen);
        assertEquals(25, shard.count());
    }

    @Test
    void reapplyingEntriesChangesNothing() throws IOException {
        List<Command> log = randomLog(new Random(42), 200);
        applyLog(shard, log);
        String checksum = shard.checksum();
        List<StoredObject> content = shard.scan(null, 10_000);
        assertFalse(content.isEmpty());

        for (int i = 0; i < log.size(); i++) {
            CommandResult r = shard.apply(i + 1, log.get(i));
            assertEquals(i + 1, r.getLogIndex());
            assertEquals(0, r.getItemsCount(), "a replayed entry yields no items");
        }
        assertEquals(checksum, shard.checksum());
        assertEquals(content, shard.scan(null, 10_000));
        assertEquals(log.size(), shard.lastAppliedIndex());

        shard.close();
        shard = MapDbShard.open("things/shard-0", dir, SCHEMA);
        assertEquals(log.size(), shard.lastAppliedIndex(), "applied index persisted with the data");
        assertEquals(checksum, shard.checksum());
        assertEquals(content, shard.scan(null, 10_000));
        for (int i = 0; i < log.size(); i++) {
            assertEquals(0, shard.apply(i + 1, log.get(i)).getItemsCount());
        }
        assertEquals(checksum, shard.checksum());
    }

    @Test
    void withoutTransactionsReadersSeeEveryApplyAndACleanCloseKeepsThem(@TempDir Path replicated) throws IOException {
        List<Command> log = randomLog(new Random(7), 60);
        String checksum;
        try (MapDbShard r = MapDbShard.open("things/shard-0@replicated", replicated, SCHEMA,
                MapDbShardConfig.REPLICATED)) {
            for (int i = 0; i < log.size(); i++) {
                assertEquals(shard.apply(i + 1, log.get(i)), r.apply(i + 1, log.get(i)));
            }
            assertEquals(log.size(), r.lastAppliedIndex());
            assertEquals(0, r.durableAppliedIndex(), "nothing is committed while open");
            checksum = r.checksum();
            assertEquals(shard.checksum(), checksum, "readers see every applied entry");
            assertEquals(log.size(), shard.durableAppliedIndex(), "with transactions every apply commits");

            Path snap = replicated.resolveSibling(replicated.getFileName() + "-snap");
            r.saveSnapshot(snap);
            r.apply(log.size() + 1, put(T0, A, "{\"after\":1}"));
            assertFalse(MapDbShard.closedCleanly(replicated), "open");
        }
        assertTrue(MapDbShard.closedCleanly(replicated), "a clean close syncs the file and clears the marker");
        try (MapDbShard reopened = MapDbShard.open("things/shard-0@replicated", replicated, SCHEMA,
                MapDbShardConfig.REPLICATED)) {
            assertEquals(log.size() + 1, reopened.lastAppliedIndex(), "close keeps what was applied");
            assertEquals("{\"after\":1}", reopened.get(A).orElseThrow().propertiesJson());
        }
    }

    /**
     * A node carries thousands of shard replicas, most of them small: a new replicated shard's file takes the disk
     * blocks its data needs, not the 2 MiB MapDB maps (with preclear it wrote zeros over all of them: 6 GiB for
     * 3,000 empty shards, and most of the time creating them).
     */
    @Test
    void aNewReplicatedShardTakesOnlyTheDiskBlocksItUses(@TempDir Path replicated) throws Exception {
        try (MapDbShard r = MapDbShard.open("things/shard-0@replicated", replicated, SCHEMA,
                MapDbShardConfig.REPLICATED)) {
            r.apply(1, put(T0, A, "{\"n\":1}"));
        }
        Path file = replicated.resolve(MapDbShard.DB_FILE);
        Process stat = new ProcessBuilder("stat", "-c", "%b %B %s", file.toString()).redirectErrorStream(true).start();
        String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, stat.waitFor(), "stat " + file + ": " + String.join(" ", out));
        long allocated = Long.parseLong(out[0]) * Long.parseLong(out[1]);
        long size = Long.parseLong(out[2]);
        assertTrue(size >= 1 << 20, "MapDB maps the file in MiB chunks: " + size + " bytes");
        assertTrue(allocated <= 256 << 10, "a new shard holding one object takes " + allocated + " bytes of disk for a "
                + size + "-byte file");
        try (MapDbShard reopened = MapDbShard.open("things/shard-0@replicated", replicated, SCHEMA,
                MapDbShardConfig.REPLICATED)) {
            assertEquals("{\"n\":1}", reopened.get(A).orElseThrow().propertiesJson());
        }
    }

    @Test
    void aFileClosedWithTransactionsReopensWithoutThem() throws IOException {
        List<Command> log = randomLog(new Random(9), 80);
        applyLog(shard, log);
        String checksum = shard.checksum();
        shard.close(); // a replicated shard of a node from before SYNC_ON_CLOSE, cleanly stopped
        shard = MapDbShard.open("things/shard-0", dir, SCHEMA, MapDbShardConfig.REPLICATED);
        assertEquals(checksum, shard.checksum());
        assertEquals(log.size(), shard.lastAppliedIndex());
        shard.apply(log.size() + 1, put(T0, A, "{\"upgraded\":1}"));
        shard.close();
        shard = MapDbShard.open("things/shard-0", dir, SCHEMA, MapDbShardConfig.REPLICATED);
        assertEquals("{\"upgraded\":1}", shard.get(A).orElseThrow().propertiesJson());
    }

    @Test
    void withoutTransactionsAFailedApplyBreaksTheShardAndKeepsTheMarker(@TempDir Path replicated) throws IOException {
        MapDbShard r = MapDbShard.open("things/shard-0@replicated", replicated, SCHEMA, MapDbShardConfig.REPLICATED);
        try {
            r.apply(1, put(T0, A, "{\"n\":1}"));
            // the storage fails under the apply: MapDB closed beneath the shard (what a dead volume looks like)
            r.closeStorageForTest();
            IllegalStateException failed = assertThrows(IllegalStateException.class,
                    () -> r.apply(2, put(T0, B, "{\"n\":2}")));
            assertTrue(failed.getCause() instanceof IllegalAccessError, "MapDB's closed store throws an Error, "
                    + "handed on as an exception the state machine handles: " + failed);
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> r.get(A));
            assertTrue(refused.getMessage().contains("is broken"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> r.apply(3, put(T0, B, "{\"n\":3}")));
        } finally {
            r.close();
        }
        assertFalse(MapDbShard.closedCleanly(replicated), "a broken replica must be rebuilt at the next start");
    }

    @Test
    void replicasApplyingTheSameLogAgree(@TempDir Path other) throws IOException {
        List<Command> log = randomLog(new Random(3), 150);
        try (MapDbShard replica = MapDbShard.open("things/shard-0@other", other, SCHEMA)) {
            for (int i = 0; i < log.size(); i++) {
                CommandResult mine = shard.apply(i + 1, log.get(i));
                CommandResult theirs = replica.apply(i + 1, log.get(i));
                assertEquals(mine, theirs, "same entry, same result");
            }
            assertEquals(shard.checksum(), replica.checksum());
            assertEquals(shard.scan(null, 10_000), replica.scan(null, 10_000));
        }
        shard.apply(log.size() + 1, put(T0, A, "{\"diverge\":1}"));
        try (MapDbShard replica = MapDbShard.open("things/shard-0@other", other, SCHEMA)) {
            assertFalse(shard.checksum().equals(replica.checksum()), "different content, different checksum");
        }
    }

    @Test
    void reopeningWithOtherDimensionsFails() throws IOException {
        shard.apply(1, put(T0, A, "{}", 1, 2, 3));
        shard.close();
        IOException e = assertThrows(IOException.class,
                () -> MapDbShard.open("things/shard-0", dir, new IndexSchema("things", 4, Distance.L2)));
        assertTrue(e.getMessage().contains("3-dimensional"), e.getMessage());
        shard = MapDbShard.open("things/shard-0", dir, SCHEMA);
        assertTrue(shard.exists(A));
    }

    @Test
    void mmapVolumeStoresTheSameContent(@TempDir Path other) throws IOException {
        List<Command> log = randomLog(new Random(5), 60);
        try (MapDbShard mmap = MapDbShard.open("things/mmap", other, SCHEMA,
                new MapDbShardConfig(MapDbShardConfig.Volume.MMAP))) {
            for (int i = 0; i < log.size(); i++) {
                assertEquals(shard.apply(i + 1, log.get(i)), mmap.apply(i + 1, log.get(i)));
            }
            assertEquals(shard.checksum(), mmap.checksum());
        }
        try (MapDbShard mmap = MapDbShard.open("things/mmap", other, SCHEMA,
                new MapDbShardConfig(MapDbShardConfig.Volume.MMAP))) {
            assertEquals(shard.checksum(), mmap.checksum());
            assertEquals(log.size(), mmap.lastAppliedIndex());
        }
    }

    @Test
    void closedShardRefusesWork() {
        shard.close();
        shard.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> shard.get(A));
        assertThrows(IllegalStateException.class, () -> shard.apply(1, put(T0, A, "{}")));
    }

    @Test
    void factoryOpensKnownIndexesOnly(@TempDir Path root) throws IOException {
        MapDbShardFactory factory = new MapDbShardFactory(
                name -> name.equals("things") ? Optional.of(SCHEMA) : Optional.empty());
        try (MapDbShard s = factory.open("things", "shard-1", root.resolve("things/shard-1"))) {
            s.apply(1, put(T0, A, "{}"));
            assertTrue(s.exists(A));
            assertEquals(SCHEMA, s.schema());
        }
        IOException e = assertThrows(IOException.class, () -> factory.open("nope", "shard-0", root.resolve("x")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    /** Applies {@code log} to {@code shard}, entry i at log index i + 1. */
    static void applyLog(MapDbShard shard, List<Command> log) {
        for (int i = 0; i < log.size(); i++) {
            shard.apply(i + 1, log.get(i));
        }
    }

    /** A random mix of puts, merges, deletes and batches over a small id space, with conflicts. */
    static List<Command> randomLog(Random rnd, int n) {
        String[] ids = new String[20];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
        }
        List<Command> log = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long at = T0 + i * 1000L;
            String id = ids[rnd.nextInt(ids.length)];
            float[] v = {rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat()};
            switch (rnd.nextInt(6)) {
                case 0, 1 -> log.add(put(at, id, "{\"n\":" + i + ",\"tag\":\"t" + rnd.nextInt(3) + "\"}", v));
                case 2 -> log.add(merge(at, id, "{\"m\":" + i + ",\"tag\":null}"));
                case 3 -> log.add(delete(at, id));
                case 4 -> log.add(putBatch(at,
                        putItem(ids[rnd.nextInt(ids.length)], "{\"b\":" + i + "}", v),
                        putItemExpecting(0, ids[rnd.nextInt(ids.length)], "{\"c\":" + i + "}"),
                        putItemExpecting(i, ids[rnd.nextInt(ids.length)], "{}", v)));
                default -> log.add(deleteBatch(at, deleteItem(id), deleteItem(ids[rnd.nextInt(ids.length)])));
            }
        }
        return log;
    }
}

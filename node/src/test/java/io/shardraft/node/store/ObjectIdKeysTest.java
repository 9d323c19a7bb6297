package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.putBatch;
import static io.shardraft.node.store.Commands.putItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.PutObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.Serializer;
import org.mapdb.serializer.GroupSerializer;
import org.mapdb.serializer.SerializerString;

/** The object tree's key serializer: what it writes reads back, and files written with MapDB's STRING keys still open. */
class ObjectIdKeysTest {

    private static final IndexSchema SCHEMA = new IndexSchema("keys", 4, Distance.COSINE);

    private static final String[] ODD_KEYS = {
            "0a1b2c3d-0000-4000-8000-000000000001",
            "",
            "größe",
            "😀 emoji",
            "z",
            new String(new char[] {'a', '\uD800', 'b'}), // an unpaired surrogate
            new String(new char[] {0x7f, 0x80, 0xffff}),
            "A",
            "a",
            "ab",
            "0a1b2c3d-0000-4000-8000-000000000001x",
    };

    private static ObjectIdKeys.KeyBlock block(String... keys) {
        return ObjectIdKeys.INSTANCE.valueArrayFromArray(keys);
    }

    private static List<String> keysOf(Object block) {
        return keysOf(ObjectIdKeys.INSTANCE, block);
    }

    private static List<String> keysOf(GroupSerializer<String> serializer, Object block) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < serializer.valueArraySize(block); i++) {
            out.add(serializer.valueArrayGet(block, i));
        }
        return out;
    }

    @Test
    void aNodesKeysReadBackExactlyAsciiOrNot() throws Exception {
        DataOutput2 out = new DataOutput2();
        ObjectIdKeys.INSTANCE.valueArraySerialize(out, block(ODD_KEYS));
        Object back = ObjectIdKeys.INSTANCE.valueArrayDeserialize(new DataInput2.ByteArray(out.copyBytes()),
                ODD_KEYS.length);
        assertEquals(List.of(ODD_KEYS), keysOf(back));
    }

    /** The stored form of a node's keys, as files written by earlier builds hold it: it must never change. */
    @Test
    void theStoredFormIsTheLengthsThenTheBytesAsciiOrUtf16() throws Exception {
        DataOutput2 out = new DataOutput2();
        ObjectIdKeys.INSTANCE.valueArraySerialize(out, block("ab", "é", ""));
        DataOutput2 expected = new DataOutput2();
        expected.packInt(2 << 1);     // "ab": 2 bytes, ASCII
        expected.packInt(2 << 1 | 1); // "é": 2 bytes, UTF-16BE
        expected.packInt(0);          // "": none
        expected.write(new byte[] {'a', 'b', 0x00, (byte) 0xe9});
        assertArrayEquals(expected.copyBytes(), out.copyBytes());
    }

    /** Search, insert, replace, delete and split as MapDB's STRING key arrays do them, on ids and on odd keys. */
    @Test
    void keyArrayOperationsMatchStringOrderAndMapDbsPositions() {
        Random random = new Random(3);
        SerializerString reference = new SerializerString();
        for (int round = 0; round < 300; round++) {
            TreeSet<String> sorted = new TreeSet<>();
            int n = random.nextInt(40);
            while (sorted.size() < n) {
                sorted.add(random.nextInt(4) == 0 ? ODD_KEYS[random.nextInt(ODD_KEYS.length)]
                        : new UUID(random.nextLong(), random.nextLong()).toString());
            }
            String[] keys = sorted.toArray(String[]::new);
            Object ours = block(keys);
            Object theirs = reference.valueArrayFromArray(keys);
            assertEquals(List.of(keys), keysOf(ours));
            for (int probe = 0; probe < 20; probe++) {
                String key = probe % 3 == 0 && keys.length > 0 ? keys[random.nextInt(keys.length)]
                        : probe % 3 == 1 ? ODD_KEYS[random.nextInt(ODD_KEYS.length)]
                        : new UUID(random.nextLong(), random.nextLong()).toString();
                int expected = reference.valueArraySearch(theirs, key, reference);
                assertEquals(expected, ObjectIdKeys.INSTANCE.valueArraySearch(ours, key, ObjectIdKeys.INSTANCE), key);
                assertEquals(expected, ObjectIdKeys.INSTANCE.valueArraySearch(ours, key), key);
                Comparator<String> reversed = Comparator.reverseOrder();
                String[] descending = sorted.descendingSet().toArray(String[]::new);
                assertEquals(reference.valueArraySearch(reference.valueArrayFromArray(descending), key, reversed),
                        ObjectIdKeys.INSTANCE.valueArraySearch(block(descending), key, reversed), key);
            }
            int pos = random.nextInt(keys.length + 1);
            String added = "added-" + round;
            assertEquals(keysOf(reference, reference.valueArrayPut(theirs, pos, added)),
                    keysOf(ObjectIdKeys.INSTANCE.valueArrayPut(ours, pos, added)));
            if (keys.length > 0) {
                int at = random.nextInt(keys.length);
                assertEquals(keysOf(reference, reference.valueArrayUpdateVal(theirs, at, "größer")),
                        keysOf(ObjectIdKeys.INSTANCE.valueArrayUpdateVal(ours, at, "größer")));
                int from = random.nextInt(keys.length);
                int to = from + random.nextInt(keys.length - from + 1);
                assertEquals(keysOf(reference, reference.valueArrayCopyOfRange(theirs, from, to)),
                        keysOf(ObjectIdKeys.INSTANCE.valueArrayCopyOfRange(ours, from, to)));
                int deleted = 1 + random.nextInt(keys.length);
                assertEquals(keysOf(reference, reference.valueArrayDeleteValue(theirs, deleted)),
                        keysOf(ObjectIdKeys.INSTANCE.valueArrayDeleteValue(ours, deleted)));
            }
            assertEquals(List.of(keys), keysOf(ours), "the original block is never changed");
        }
        assertEquals(0, ObjectIdKeys.INSTANCE.valueArraySize(ObjectIdKeys.INSTANCE.valueArrayEmpty()));
    }

    /** Enough objects for a tree of several levels, through the shard's own apply, then a reopen. */
    @ParameterizedTest
    @EnumSource(MapDbShardConfig.Volume.class)
    void aShardOfManyObjectsReopensWithEveryObjectInIdOrder(MapDbShardConfig.Volume volume, @TempDir Path dir)
            throws Exception {
        MapDbShardConfig config = new MapDbShardConfig(volume, MapDbShardConfig.Durability.SYNC_ON_CLOSE);
        Random random = new Random(7);
        TreeSet<String> ids = new TreeSet<>();
        long index = 0;
        try (MapDbShard shard = MapDbShard.open("keys/shard-0", dir, SCHEMA, config)) {
            for (int b = 0; b < 40; b++) {
                List<PutObject> items = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String id = new UUID(random.nextLong(), random.nextLong()).toString();
                    ids.add(id);
                    items.add(putItem(id, "{\"n\":" + i + "}", 1, 2, 3, 4));
                }
                shard.apply(++index, putBatch(T0, items.toArray(PutObject[]::new)));
            }
        }
        try (MapDbShard shard = MapDbShard.open("keys/shard-0", dir, SCHEMA, config)) {
            assertEquals(ids.size(), shard.count());
            List<String> scanned = new ArrayList<>();
            String after = "";
            for (List<StoredObject> page; !(page = shard.scan(after, 500)).isEmpty(); ) {
                page.forEach(o -> scanned.add(o.id()));
                after = page.get(page.size() - 1).id();
            }
            assertEquals(new ArrayList<>(ids), scanned);
            for (String id : ids) {
                assertTrue(shard.exists(id), id);
            }
        }
    }

    /** A file as every build before ObjectIdKeys wrote it: its tree's keys in MapDB's STRING encoding. */
    @Test
    void aShardFileWrittenWithStringKeysStillOpensAndReads(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir);
        List<String> ids = new ArrayList<>();
        Random random = new Random(11);
        try (DB db = DBMaker.fileDB(dir.resolve(MapDbShard.DB_FILE).toFile()).fileMmapEnableIfSupported().make()) {
            var objects = db.treeMap("objects", Serializer.STRING, Serializer.BYTE_ARRAY)
                    .valuesOutsideNodesEnable().counterEnable().create();
            for (int i = 0; i < 3_000; i++) {
                String id = new UUID(random.nextLong(), random.nextLong()).toString();
                ids.add(id);
                objects.put(id, ObjectCodec.encode(new StoredObject(id, "{\"i\":" + i + "}", null, i + 1, T0, T0)));
            }
        }
        MapDbShardConfig config = new MapDbShardConfig(MapDbShardConfig.Volume.MMAP,
                MapDbShardConfig.Durability.SYNC_ON_CLOSE);
        try (MapDbShard shard = MapDbShard.open("old/shard-0", dir, SCHEMA, config)) {
            assertEquals(ids.size(), shard.count());
            for (int i = 0; i < ids.size(); i++) {
                assertEquals("{\"i\":" + i + "}", shard.get(ids.get(i)).orElseThrow().propertiesJson());
            }
            // and new writes into the old file use its encoding too
            String added = new UUID(1, 2).toString();
            shard.apply(ids.size() + 1, putBatch(T0, putItem(added, "{}")));
            assertTrue(shard.exists(added));
        }
        try (MapDbShard shard = MapDbShard.open("old/shard-0", dir, SCHEMA, config)) {
            assertEquals(ids.size() + 1, shard.count());
        }
    }
}

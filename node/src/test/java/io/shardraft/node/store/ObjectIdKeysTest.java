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

/** The object tree's key serializer: what it writes reads back, and files written with MapDB's STRING keys still open. */
class ObjectIdKeysTest {

    private static final IndexSchema SCHEMA = new IndexSchema("keys", 4, Distance.COSINE);

    @Test
    void aNodesKeysReadBackExactlyAsciiOrNot() throws Exception {
        char[][] keys = {
                "0a1b2c3d-0000-4000-8000-000000000001".toCharArray(),
                "".toCharArray(),
                "größe".toCharArray(),
                "😀 emoji".toCharArray(),
                "z".toCharArray(),
                new char[] {'a', '\uD800', 'b'}, // an unpaired surrogate
                new char[] {0x7f, 0x80, 0xffff},
        };
        DataOutput2 out = new DataOutput2();
        ObjectIdKeys.INSTANCE.valueArraySerialize(out, keys);
        char[][] back = ObjectIdKeys.INSTANCE.valueArrayDeserialize(new DataInput2.ByteArray(out.copyBytes()), keys.length);
        assertEquals(keys.length, back.length);
        for (int i = 0; i < keys.length; i++) {
            assertArrayEquals(keys[i], back[i], "key " + i);
        }
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

package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import io.shardraft.node.testing.FileDamage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage inside a record, which MapDB opens without noticing, is found by the verification pass at open
 * (per-record CRC32C) and reported with the file named.
 */
class MapDbShardVerifyTest {
    static final IndexSchema SCHEMA = new IndexSchema("things", 3, Distance.L2);

    @TempDir
    Path dir;

    @Test
    void aDamagedRecordIsDetectedAtOpenWithTheFileNamed() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        try (MapDbShard shard = MapDbShard.open("things/shard-0", dir, SCHEMA)) {
            for (int i = 0; i < 20; i++) {
                String props = i == 7 ? "{\"m\":\"" + marker + "\"}" : "{\"i\":" + i + "}";
                shard.apply(i + 1, put(T0, UUID.randomUUID().toString(), props, 1, 2, 3));
            }
        }
        Path file = dir.resolve(MapDbShard.DB_FILE);
        assertTrue(FileDamage.flipInside(file, marker) > 0, "the record was found in " + file);

        IOException e = assertThrows(IOException.class, () -> MapDbShard.open("things/shard-0", dir, SCHEMA));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("corrupted"), e.getMessage());
    }

    @Test
    void anIntactFileOpensAndKeepsItsObjects() throws Exception {
        try (MapDbShard shard = MapDbShard.open("things/shard-0", dir, SCHEMA)) {
            shard.apply(1, put(T0, UUID.randomUUID().toString(), "{}", 1, 2, 3));
        }
        try (MapDbShard shard = MapDbShard.open("things/shard-0", dir, SCHEMA)) {
            assertEquals(1, shard.count());
        }
    }
}

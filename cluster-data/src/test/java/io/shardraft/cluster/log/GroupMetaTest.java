package io.shardraft.cluster.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GroupMetaTest {
    private static final GroupMeta META = new GroupMeta(42, "127.0.0.1:7201");

    @Test
    void roundTrips() {
        assertEquals(META, GroupMeta.decode(META.encode()));
        assertEquals(new GroupMeta(0, "0.0.0.0:0"), GroupMeta.decode(new GroupMeta(0, "0.0.0.0:0").encode()));
    }

    @Test
    void everyFlippedBitIsRefused() {
        byte[] good = META.encode();
        for (int i = 0; i < good.length * 8; i++) {
            byte[] bad = good.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroupMeta.decode(bad));
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        }
    }

    @Test
    void tornRecordsAreRefused() {
        byte[] good = META.encode();
        for (int len = 0; len < good.length; len++) {
            byte[] torn = Arrays.copyOf(good, len);
            assertThrows(IllegalArgumentException.class, () -> GroupMeta.decode(torn), "torn at " + len);
        }
    }
}

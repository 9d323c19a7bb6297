package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnapshotTriggerTest {
    @Test
    void firesOnceWhenEntriesOrBytesCrossTheirLimitAndRearmsAfterASnapshot() {
        SnapshotTrigger t = new SnapshotTrigger(10, 1000);
        assertFalse(t.applied(9, 100));
        assertTrue(t.applied(1, 0), "10 entries");
        assertFalse(t.applied(5, 0), "already requested: no second request");
        t.snapshotted(0);
        assertFalse(t.applied(1, 999));
        assertTrue(t.applied(1, 1), "1000 bytes");
        t.requestFailed();
        assertTrue(t.applied(1, 0), "a refused request is asked for again");
    }

    @Test
    void bothLimitsGrowWithTheLastSnapshotOnceItIsLargerThanTheBytesLimit() {
        SnapshotTrigger t = new SnapshotTrigger(10, 1000);
        t.snapshotted(800);
        assertEquals(1000, t.bytesLimit(), "a state under the bytes limit keeps the configured limits");
        assertEquals(10, t.entriesLimit());
        t.snapshotted(4000);
        assertEquals(4000, t.bytesLimit(), "a 4000-byte snapshot is written again only after 4000 bytes applied");
        assertEquals(40, t.entriesLimit(), "and the entries limit scales as much");
        assertFalse(t.applied(39, 3999));
        assertTrue(t.applied(0, 1), "4000 bytes");
        t.snapshotted(4500);
        assertFalse(t.applied(44, 0));
        assertTrue(t.applied(1, 0), "45 entries");
        t.snapshotted(10);
        assertTrue(t.applied(10, 0), "a shrunk state snapshots at the configured limits again");
    }
}

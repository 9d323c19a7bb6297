package io.shardraft.cluster.data;

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
        t.snapshotted();
        assertFalse(t.applied(1, 999));
        assertTrue(t.applied(1, 1), "1000 bytes");
        t.requestFailed();
        assertTrue(t.applied(1, 0), "a refused request is asked for again");
    }
}

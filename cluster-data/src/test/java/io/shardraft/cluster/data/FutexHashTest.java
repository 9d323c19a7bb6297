package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * On a Linux kernel with private futex hashes (6.16 and later, as on our CI machines), a process that runs a node gets
 * a futex hash sized for thousands of parked threads instead of the 16 buckets a 2-core machine gives it.
 */
class FutexHashTest {
    @Test
    void aNodesProcessGetsALargeFutexHash() throws Exception {
        Thread parked = new Thread(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        parked.setDaemon(true);
        parked.start();
        try {
            int before = FutexHash.slots();
            assumeTrue(before >= 0, "this kernel has no private futex hash (before Linux 6.16, or not Linux)");
            assertEquals(FutexHash.DEFAULT_SLOTS, FutexHash.ensure(), "slots after ensure (were " + before + ")");
            assertEquals(FutexHash.DEFAULT_SLOTS, FutexHash.slots());
            // once per process: a second call changes nothing and reports the same
            assertEquals(FutexHash.DEFAULT_SLOTS, FutexHash.ensure());
        } finally {
            parked.interrupt();
        }
    }
}

package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an idle group costs its node in thread wake-ups, on real JRaft nodes, counted by the kernel
 * ({@code voluntary_ctxt_switches} of each thread in {@code /proc/self/task}).
 */
class IdleGroupWakeupsTest {
    private static final String INDEX = "idle";
    private static final int SHARDS = 4;
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Longer than JRaft's default wait of a log thread (10 s), so each one would wake at least once. */
    private static final Duration WATCH = Duration.ofSeconds(12);
    /** How Linux names JRaft's log manager threads ("JRaft-LogManager-Disruptor-N", cut to 15 characters). */
    private static final String LOG_THREAD = "JRaft-LogManage";
    /** JRaft's process-wide ReadIndex timeout scanner ("read-index.timeout.scanner"). */
    private static final String READ_INDEX_SCANNER = "read-index.time";

    @TempDir
    Path dir;

    @Test
    void theLogThreadsOfIdleGroupsDoNotWakeTheReadTimeoutScannerTicksTenTimesASecondAndWritesStillGoThrough()
            throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, InProcessCluster.testSettings(),
                (i, s, d) -> new MemoryHostShard())) {
            cluster.startAll();
            cluster.createIndex(INDEX, SHARDS);
            for (int i = 0; i < SHARDS; i++) {
                cluster.awaitLeader(INDEX, shardName(i), WAIT);
            }
            String node = cluster.nodeIds().get(0);
            for (int i = 0; i < SHARDS; i++) {
                cluster.registry(node).router(INDEX).putObject(shardName(i), InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);
            }
            // a STRONG read starts JRaft's ReadIndex timeout scanner
            cluster.registry(node).router(INDEX).read(shardName(0), ReadConsistency.STRONG, shard -> 0)
                    .get(20, TimeUnit.SECONDS);
            // every replica has stored and applied every entry: no log thread has work left
            for (int i = 0; i < SHARDS; i++) {
                String shard = shardName(i);
                InProcessCluster.awaitTrue(() -> cluster.nodeIds().stream().map(id -> cluster.store(id, INDEX, shard)
                                .raftNode()).allMatch(n -> n.getLastAppliedLogIndex() == n.getLastLogIndex())
                                && cluster.nodeIds().stream().map(id -> cluster.store(id, INDEX, shard).raftNode()
                                .getLastAppliedLogIndex()).distinct().count() == 1,
                        WAIT, () -> shard + " not applied on every replica");
            }
            Thread.sleep(500);
            Map<String, Long> logBefore = wakeups(LOG_THREAD);
            Map<String, Long> scannerBefore = wakeups(READ_INDEX_SCANNER);
            assertTrue(logBefore.size() >= 3 * SHARDS, "one log thread per group replica, found " + logBefore.size());
            assertEquals(1, scannerBefore.size(), "one ReadIndex timeout scanner per process");

            Thread.sleep(WATCH.toMillis());

            long logWoke = since(logBefore, wakeups(LOG_THREAD));
            assertEquals(0, logWoke, "wake-ups of " + logBefore.size() + " idle log threads in " + WATCH.toSeconds()
                    + " s");
            long scannerWoke = since(scannerBefore, wakeups(READ_INDEX_SCANNER));
            long ticks = WATCH.toMillis() / CoarseRaftTimerFactory.READ_INDEX_TICK_MS;
            assertTrue(scannerWoke <= ticks * 3 / 2, "the ReadIndex timeout scanner woke " + scannerWoke + " times in "
                    + WATCH.toSeconds() + " s, for " + ticks + " ticks");

            // the queue still wakes its thread for a write
            long t0 = System.nanoTime();
            cluster.registry(node).router(INDEX).putObject(shardName(0), InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 5_000, "a write to an idle group took " + ms + " ms");
        }
    }

    private static long since(Map<String, Long> before, Map<String, Long> after) {
        long woke = 0;
        for (Map.Entry<String, Long> e : before.entrySet()) {
            woke += after.getOrDefault(e.getKey(), e.getValue()) - e.getValue();
        }
        return woke;
    }

    /** Voluntary context switches so far of each of this process's threads whose Linux name starts so, by thread id. */
    private static Map<String, Long> wakeups(String namePrefix) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith(namePrefix)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            out.put(task.getFileName().toString(), Long.parseLong(line.split("\\s+")[1]));
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return out;
    }
}

package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.alipay.sofa.jraft.NodeManager;
import io.shardraft.cluster.testing.InProcessCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentCreateTest {
    @TempDir
    Path dir;

    @Test
    void concurrentGetOrCreateOfOneShardCreatesOneStore() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.startMemory(dir, 1)) {
            Registry registry = cluster.registry("node1");
            IndexRaft raft = registry.getOrCreateRaft("race");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<ShardStore>> calls = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    calls.add(() -> raft.getOrCreateStore("s0", List.of("node1"), registry.dataPath("race", "s0")));
                }
                List<Future<ShardStore>> results = pool.invokeAll(calls, 60, TimeUnit.SECONDS);
                ShardStore first = results.get(0).get();
                for (Future<ShardStore> f : results) {
                    assertSame(first, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, NodeManager.getInstance().getNodesByGroupId(Names.groupId("race", "s0")).size(),
                    "one JRaft node for the group");
            assertEquals(1, raft.stores().size());
        }
    }
}

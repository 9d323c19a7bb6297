package io.shardraft.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter driven as any host's index layer would drive it, with a host shard that is not the
 * reference store (the core's in-memory test shard): the SPI and hooks are host-agnostic.
 */
class ReplicationAdapterTest {
    @TempDir
    Path dir;

    static Command put(String props) {
        return Command.newBuilder().setPut(PutObject.newBuilder().setObject(ObjectData.newBuilder()
                .setId(UUID.randomUUID().toString()).setPropertiesJson(props))).build();
    }

    @Test
    void standaloneRoutingAppliesInSequenceAndDropPurges() throws Exception {
        ReplicationAdapter adapter = new ReplicationAdapter(null);
        ShardRouting routing = adapter.onIndexCreated("local", false);
        assertFalse(routing.replicated());
        MemoryHostShard shard = new MemoryHostShard();
        Path shardDir = dir.resolve("local").resolve("s0");
        Files.createDirectories(ReplicationAdapter.hostDir(shardDir));
        adapter.onShardInitialised("local", "s0", List.of(), shardDir, shard);
        CommandResult first = routing.submit("s0", put("{\"a\":1}")).get(5, TimeUnit.SECONDS);
        CommandResult second = routing.submit("s0", put("{\"a\":2}")).get(5, TimeUnit.SECONDS);
        assertEquals(1, first.getLogIndex());
        assertEquals(2, second.getLogIndex());
        assertEquals(2, (int) routing.read("s0", ReadConsistency.STRONG, h -> ((MemoryHostShard) h).count())
                .get(5, TimeUnit.SECONDS));
        var missing = routing.submit("s9", put("{}"));
        assertEquals(ReplicationException.Reason.NOT_FOUND, ReplicationException.find(assertThrows(Exception.class,
                () -> missing.get(5, TimeUnit.SECONDS))).orElseThrow().reason());
        assertThrows(ReplicationException.class, () -> adapter.onIndexCreated("local", true),
                "the same index cannot change mode");
        assertTrue(adapter.onShardDropped("local", "s0"));
        assertTrue(shard.isClosed());
        assertFalse(Files.exists(shardDir));
    }

    @Test
    void replicatedHooksStartUnloadReloadAndPurgeGroupsOnEveryNode() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.startMemory(dir, 3)) {
            Map<String, ReplicationAdapter> adapters = new LinkedHashMap<>();
            for (String n : cluster.nodeIds()) {
                adapters.put(n, new ReplicationAdapter(cluster.registry(n)));
            }
            assertThrows(ReplicationException.class, () -> new ReplicationAdapter(null).onIndexCreated("x", true),
                    "replication needs a Registry");
            for (var e : adapters.entrySet()) {
                Registry r = cluster.registry(e.getKey());
                assertTrue(e.getValue().onIndexCreated("books", true).replicated());
                e.getValue().onShardInitialised("books", "s0", cluster.nodeIds(), r.dataPath("books", "s0"),
                        new MemoryHostShard());
            }
            String leader = cluster.awaitLeader("books", "s0", Duration.ofSeconds(20));
            String follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            CommandResult r = adapters.get(follower).routing("books").submit("s0", put("{\"t\":\"x\"}"))
                    .get(20, TimeUnit.SECONDS);
            assertEquals(ItemStatus.ITEM_OK, r.getItems(0).getStatus());
            cluster.awaitApplied("books", "s0", r.getLogIndex(), Duration.ofSeconds(20));

            // shard shut down on one node: group unloaded, files kept; initialised again: it has its data
            assertTrue(adapters.get(follower).onShardShutdown("books", "s0"));
            assertTrue(cluster.registry(follower).getStore("books", "s0").isEmpty());
            Path raftDir = cluster.registry(follower).dataPath("books", "s0").resolve("raft");
            assertTrue(Files.isDirectory(raftDir));
            adapters.get(follower).onShardInitialised("books", "s0", cluster.nodeIds(),
                    cluster.registry(follower).dataPath("books", "s0"), new MemoryHostShard());
            cluster.awaitApplied("books", "s0", r.getLogIndex(), Duration.ofSeconds(20));
            assertEquals(1, cluster.memoryShard(follower, "books", "s0").count(), "replayed from its own log");

            // index dropped on every node: groups gone, files gone
            for (var e : adapters.entrySet()) {
                assertTrue(e.getValue().onIndexDropped("books"));
                assertTrue(cluster.registry(e.getKey()).getRaft("books").isEmpty());
                assertFalse(Files.exists(cluster.dataDir(e.getKey()).resolve("books")));
            }
        }
    }
}

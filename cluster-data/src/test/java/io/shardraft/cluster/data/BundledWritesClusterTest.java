package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandBundle;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import io.shardraft.cluster.spi.HostShardFactory;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard leader bundles concurrent single-object writes into shared log entries ({@link ProposalBundler}): on three
 * real JRaft replicas, every acknowledged write is on every replica with the version it was acknowledged with, two
 * writes to one object never share a version, a conditional write still has exactly one winner, and a leader that
 * goes away with writes waiting leaves none of them hanging or lost once acknowledged.
 */
class BundledWritesClusterTest {
    private static final String INDEX = "bundled";
    private static final String SHARD = InProcessCluster.shardName(0);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Window 1: everything that arrives while one entry is in flight waits for the next, so bundles form surely. */
    private InProcessCluster start(HostShardFactory hosts) {
        InProcessCluster c = new InProcessCluster(dir, 3, InProcessCluster.testSettings().toBuilder().bundleWindow(1)
                .build(), hosts);
        c.startAll();
        c.createIndex(INDEX, 1);
        c.awaitLeader(INDEX, SHARD, WAIT);
        return c;
    }

    private static Command put(String id, String props) {
        return Command.newBuilder().setRequestId("req-" + id + "-" + props.hashCode())
                .setPut(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id).setPropertiesJson(props)))
                .build();
    }

    private static Command putExpecting(String id, String props, long expected) {
        Command c = put(id, props);
        return c.toBuilder().setPut(c.getPut().toBuilder().setExpectedVersion(expected)).build();
    }

    private static ItemResult item(CompletableFuture<CommandResult> f) throws Exception {
        CommandResult r = f.get(30, TimeUnit.SECONDS);
        assertEquals(1, r.getItemsCount());
        if (r.getItems(0).getStatus() == ItemStatus.ITEM_OK) {
            assertEquals(r.getLogIndex(), r.getItems(0).getVersion(), "an applied write's version is its entry's index");
        }
        return r.getItems(0);
    }

    @Test
    void concurrentWritesShareEntriesYetEachKeepsItsOwnOutcome() throws Exception {
        try (InProcessCluster cluster = start((i, s, d) -> MemoryHostShard.bundling())) {
            String leader = cluster.awaitLeader(INDEX, SHARD, WAIT);
            ShardStore store = cluster.store(leader, INDEX, SHARD);
            long entriesBefore = store.lastAppliedIndex();
            long created = item(store.apply(put("cas", "{\"v\":0}"))).getVersion();

            // all proposed at once: distinct objects, an object written twice in a row, and twenty conditional
            // writes racing on one version
            Map<String, CompletableFuture<CommandResult>> distinct = new LinkedHashMap<>();
            List<CompletableFuture<CommandResult>> first = new ArrayList<>();
            List<CompletableFuture<CommandResult>> second = new ArrayList<>();
            List<CompletableFuture<CommandResult>> racing = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                distinct.put("obj-" + i, store.apply(put("obj-" + i, "{\"i\":" + i + "}")));
                if (i % 10 == 0) {
                    first.add(store.apply(put("twice-" + i, "{\"write\":1}")));
                    second.add(store.apply(put("twice-" + i, "{\"write\":2}")));
                }
                if (i % 15 == 0) {
                    racing.add(store.apply(putExpecting("cas", "{\"racer\":" + i + "}", created)));
                }
            }
            Map<String, Long> versions = new LinkedHashMap<>();
            for (Map.Entry<String, CompletableFuture<CommandResult>> e : distinct.entrySet()) {
                ItemResult r = item(e.getValue());
                assertEquals(ItemStatus.ITEM_OK, r.getStatus(), e.getKey());
                versions.put(e.getKey(), r.getVersion());
            }
            for (int i = 0; i < first.size(); i++) {
                long v1 = item(first.get(i)).getVersion();
                long v2 = item(second.get(i)).getVersion();
                assertTrue(v2 > v1, "the second write of one object gets a later version: " + v1 + " then " + v2);
                versions.put("twice-" + (i * 10), v2);
            }
            int winners = 0;
            for (CompletableFuture<CommandResult> f : racing) {
                ItemResult r = item(f);
                if (r.getStatus() == ItemStatus.ITEM_OK) {
                    winners++;
                    versions.put("cas", r.getVersion());
                } else {
                    assertEquals(ItemStatus.ITEM_CONFLICT, r.getStatus());
                }
            }
            assertEquals(1, winners, "exactly one conditional write on version " + created + " wins");

            long last = store.lastAppliedIndex();
            int writes = distinct.size() + first.size() + second.size() + racing.size();
            assertTrue(last - entriesBefore < writes, writes + " writes took " + (last - entriesBefore) + " entries");
            assertTrue(store.bundledEntries() > 0 && store.bundledWrites() > store.bundledEntries(),
                    "bundles were formed: " + store.bundledEntries() + " entries, " + store.bundledWrites() + " writes");
            Set<Long> distinctVersions = new HashSet<>(versions.values());
            assertTrue(distinctVersions.size() < versions.size(), "objects share versions (entries)");

            cluster.awaitApplied(INDEX, SHARD, last, WAIT);
            String sum = cluster.memoryShard(leader, INDEX, SHARD).checksum();
            for (String node : cluster.nodeIds()) {
                MemoryHostShard replica = cluster.memoryShard(node, INDEX, SHARD);
                assertTrue(replica.mostCommandsAtOneIndex() > 1, node + " applied bundles");
                assertEquals(sum, replica.checksum(), "replica on " + node);
                for (Map.Entry<String, Long> e : versions.entrySet()) {
                    assertEquals(Optional.of(e.getValue()), replica.version(e.getKey()), e.getKey() + " on " + node);
                }
                assertEquals("{\"write\":2}", replica.get("twice-0").orElseThrow().getPropertiesJson());
            }

            // a follower rebuilt from nothing replays the bundles from the log and ends equal
            String follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            cluster.stop(follower);
            cluster.start(follower);
            cluster.awaitApplied(INDEX, SHARD, last, WAIT);
            assertEquals(sum, cluster.memoryShard(follower, INDEX, SHARD).checksum(), "rebuilt " + follower);
        }
    }

    @Test
    void aHostShardThatDoesNotApplyBundlesGetsOneWritePerEntry() throws Exception {
        try (InProcessCluster cluster = start((i, s, d) -> new MemoryHostShard())) {
            String leader = cluster.awaitLeader(INDEX, SHARD, WAIT);
            ShardStore store = cluster.store(leader, INDEX, SHARD);
            long before = store.lastAppliedIndex();
            List<CompletableFuture<CommandResult>> writes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                writes.add(store.apply(put("obj-" + i, "{}")));
            }
            Set<Long> indexes = new HashSet<>();
            for (CompletableFuture<CommandResult> f : writes) {
                indexes.add(f.get(30, TimeUnit.SECONDS).getLogIndex());
            }
            assertEquals(100, indexes.size(), "every write its own entry");
            assertTrue(indexes.stream().allMatch(x -> x > before));
            assertEquals(0, store.bundledEntries());
            cluster.awaitApplied(INDEX, SHARD, store.lastAppliedIndex(), WAIT);
            for (String node : cluster.nodeIds()) {
                assertEquals(1, cluster.memoryShard(node, INDEX, SHARD).mostCommandsAtOneIndex(), node);
            }
        }
    }

    @Test
    void aBundleFromOutsideIsRefused() throws Exception {
        try (InProcessCluster cluster = start((i, s, d) -> MemoryHostShard.bundling())) {
            ShardStore store = cluster.store(cluster.awaitLeader(INDEX, SHARD, WAIT), INDEX, SHARD);
            Command bundle = Command.newBuilder().setBundle(CommandBundle.newBuilder().addCommands(put("a", "{}"))
                    .addCommands(put("b", "{}"))).build();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> store.apply(bundle).get(30, TimeUnit.SECONDS));
            ReplicationException r = ReplicationException.find(e).orElseThrow();
            assertEquals(Reason.INVALID_ARGUMENT, r.reason());
            assertTrue(r.getMessage().contains("bundles are formed by the shard's leader"), r.getMessage());
            assertEquals(0, cluster.memoryShard(cluster.nodeIds().get(0), INDEX, SHARD).count());
        }
    }

    @Test
    void writesWaitingWhenTheLeaderStopsFailClearlyAndEveryAcknowledgedOneSurvives() throws Exception {
        try (InProcessCluster cluster = start((i, s, d) -> MemoryHostShard.bundling())) {
            String leader = cluster.awaitLeader(INDEX, SHARD, WAIT);
            ShardStore store = cluster.store(leader, INDEX, SHARD);
            Map<String, CompletableFuture<CommandResult>> writes = new LinkedHashMap<>();
            for (int i = 0; i < 400; i++) {
                writes.put("obj-" + i, store.apply(put("obj-" + i, "{\"i\":" + i + "}")));
                if (i == 200) {
                    cluster.stop(leader);
                }
            }
            Map<String, Long> acknowledged = new LinkedHashMap<>();
            Set<Reason> allowed = EnumSet.of(Reason.UNAVAILABLE, Reason.NOT_LEADER, Reason.DEADLINE_EXCEEDED);
            for (Map.Entry<String, CompletableFuture<CommandResult>> e : writes.entrySet()) {
                try {
                    ItemResult r = item(e.getValue());
                    assertEquals(ItemStatus.ITEM_OK, r.getStatus());
                    acknowledged.put(e.getKey(), r.getVersion());
                } catch (ExecutionException failed) {
                    ReplicationException r = ReplicationException.find(failed).orElseThrow(() ->
                            new AssertionError("not a ReplicationException", failed));
                    assertTrue(allowed.contains(r.reason()), e.getKey() + ": " + r.reason() + " " + r.getMessage());
                }
            }
            assertTrue(acknowledged.size() < writes.size(), "writes after the stop were refused");
            String next = cluster.awaitLeader(INDEX, SHARD, WAIT);
            assertNotEquals(leader, next);
            // a write in the new term commits, and so applies, everything before it on every replica
            long last = cluster.registry(next).router(INDEX).putObject(SHARD, ObjectData.newBuilder().setId("after")
                    .setPropertiesJson("{}").build()).get(30, TimeUnit.SECONDS).getLogIndex();
            cluster.awaitApplied(INDEX, SHARD, last, WAIT);
            for (String node : cluster.running()) {
                MemoryHostShard replica = cluster.memoryShard(node, INDEX, SHARD);
                for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
                    assertEquals(Optional.of(e.getValue()), replica.version(e.getKey()), e.getKey() + " on " + node);
                }
            }
        }
    }
}

package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.NodeManager;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three Registries in one JVM on loopback ports: real JRaft, real gRPC forwarding. */
class ReplicationClusterTest {
    private static final String INDEX = "articles";
    private static final int SHARDS = 3;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    InProcessCluster cluster;

    @BeforeEach
    void start() {
        cluster = InProcessCluster.startMemory(dir, 3);
        cluster.createIndex(INDEX, SHARDS);
        for (int s = 0; s < SHARDS; s++) {
            cluster.awaitLeader(INDEX, shardName(s), WAIT);
        }
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    static ObjectData object(String props) {
        return ObjectData.newBuilder().setId(UUID.randomUUID().toString()).setPropertiesJson(props).build();
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    static ReplicationException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return ReplicationException.find(e).orElseThrow(() -> new AssertionError("not a ReplicationException", e));
    }

    @Test
    void writesSentToEveryNodeAreCommittedAndAppliedOnAllReplicas() throws Exception {
        Map<String, String> shardOf = new LinkedHashMap<>();
        Map<String, ObjectData> written = new LinkedHashMap<>();
        for (int s = 0; s < SHARDS; s++) {
            String shard = shardName(s);
            for (String node : cluster.nodeIds()) {
                ObjectData o = object("{\"via\":\"" + node + "\"}");
                CommandResult r = await(cluster.registry(node).router(INDEX).putObject(shard, o));
                assertEquals(1, r.getItemsCount());
                assertEquals(ItemStatus.ITEM_OK, r.getItems(0).getStatus());
                assertTrue(r.getLogIndex() > 0);
                assertEquals(r.getLogIndex(), r.getItems(0).getVersion());
                shardOf.put(o.getId(), shard);
                written.put(o.getId(), o);
                cluster.awaitApplied(INDEX, shard, r.getLogIndex(), WAIT);
            }
        }
        for (String node : cluster.nodeIds()) {
            for (Map.Entry<String, ObjectData> e : written.entrySet()) {
                MemoryHostShard replica = cluster.memoryShard(node, INDEX, shardOf.get(e.getKey()));
                assertEquals(Optional.of(e.getValue()), replica.get(e.getKey()), "object on " + node);
            }
        }
        for (int s = 0; s < SHARDS; s++) {
            String shard = shardName(s);
            assertEquals(3, cluster.memoryShard("node1", INDEX, shard).count());
            String sum = cluster.memoryShard("node1", INDEX, shard).checksum();
            for (String node : cluster.nodeIds()) {
                assertEquals(sum, cluster.memoryShard(node, INDEX, shard).checksum(), shard + " on " + node);
            }
        }
    }

    @Test
    void writeToFollowerIsForwardedToTheLeaderThroughGrpc() throws Exception {
        String shard = shardName(1);
        String leader = cluster.awaitLeader(INDEX, shard, WAIT);
        String follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        long leaderApplyCalls = cluster.calls(leader).count("Apply");
        long accepted = cluster.service(leader).acceptedCommands();
        RouterCounters before = cluster.registry(follower).router(INDEX).counters();

        ObjectData o = object("{\"n\":1}");
        CommandResult r = await(cluster.registry(follower).router(INDEX).putObject(shard, o));

        assertEquals(ItemStatus.ITEM_OK, r.getItems(0).getStatus());
        assertEquals(leaderApplyCalls + 1, cluster.calls(leader).count("Apply"), "leader's gRPC Apply calls");
        assertEquals(accepted + 1, cluster.service(leader).acceptedCommands());
        RouterCounters after = cluster.registry(follower).router(INDEX).counters();
        assertEquals(before.forwardedWrites() + 1, after.forwardedWrites());
        assertEquals(before.localWrites(), after.localWrites());
        // and a write on the leader itself is not forwarded
        await(cluster.registry(leader).router(INDEX).putObject(shard, object("{\"n\":2}")));
        assertEquals(leaderApplyCalls + 1, cluster.calls(leader).count("Apply"));
        cluster.awaitApplied(INDEX, shard, r.getLogIndex(), WAIT);
        assertEquals(Optional.of(o), cluster.memoryShard(follower, INDEX, shard).get(o.getId()));
    }

    @Test
    void aBurstOfWritesToAFollowerSharesForwardedCallsAndEveryOneIsApplied() throws Exception {
        String shard = shardName(2);
        String leader = cluster.awaitLeader(INDEX, shard, WAIT);
        String follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        long calls = cluster.calls(leader).count("Apply") + cluster.calls(leader).count("ApplyBatch");
        long batches = cluster.calls(leader).count("ApplyBatch");
        int n = 300;
        List<ObjectData> objects = new ArrayList<>();
        List<CompletableFuture<CommandResult>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectData o = object("{\"burst\":" + i + "}");
            objects.add(o);
            results.add(cluster.registry(follower).router(INDEX).putObject(shard, o));
        }
        long last = 0;
        java.util.Set<Long> indexes = new java.util.HashSet<>();
        for (CompletableFuture<CommandResult> f : results) {
            CommandResult r = await(f);
            assertEquals(ItemStatus.ITEM_OK, r.getItems(0).getStatus());
            assertTrue(indexes.add(r.getLogIndex()), "each write is its own log entry");
            last = Math.max(last, r.getLogIndex());
        }
        long used = cluster.calls(leader).count("Apply") + cluster.calls(leader).count("ApplyBatch") - calls;
        assertTrue(cluster.calls(leader).count("ApplyBatch") > batches, "writes queued behind a busy lane share a call");
        assertTrue(used < n, n + " writes took " + used + " calls");
        cluster.awaitApplied(INDEX, shard, last, WAIT);
        for (String node : cluster.nodeIds()) {
            MemoryHostShard replica = cluster.memoryShard(node, INDEX, shard);
            for (ObjectData o : objects) {
                assertEquals(Optional.of(o), replica.get(o.getId()), "object on " + node);
            }
        }
    }

    @Test
    void leaderLossElectsANewLeaderLosesNoAcknowledgedWriteAndTheNodeCatchesUpOnRestart() throws Exception {
        String shard = shardName(0);
        String oldLeader = cluster.awaitLeader(INDEX, shard, WAIT);
        List<ObjectData> acked = new ArrayList<>();
        Map<String, String> shardOf = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            String s = shardName(i % SHARDS);
            ObjectData o = object("{\"i\":" + i + "}");
            await(cluster.registry(cluster.nodeIds().get(i % 3)).router(INDEX).putObject(s, o));
            acked.add(o);
            shardOf.put(o.getId(), s);
        }

        cluster.stop(oldLeader);
        List<String> survivors = cluster.running();
        String newLeader = cluster.awaitLeader(INDEX, shard, WAIT);
        assertNotEquals(oldLeader, newLeader);

        for (int i = 0; i < 30; i++) {
            String s = shardName(i % SHARDS);
            ObjectData o = object("{\"after\":" + i + "}");
            CommandResult r = await(cluster.registry(survivors.get(i % 2)).router(INDEX).putObject(s, o));
            assertEquals(ItemStatus.ITEM_OK, r.getItems(0).getStatus());
            acked.add(o);
            shardOf.put(o.getId(), s);
        }
        for (int s = 0; s < SHARDS; s++) {
            String sh = shardName(s);
            long applied = cluster.store(cluster.awaitLeader(INDEX, sh, WAIT), INDEX, sh).lastAppliedIndex();
            cluster.awaitApplied(INDEX, sh, applied, WAIT);
        }
        for (String node : survivors) {
            for (ObjectData o : acked) {
                assertEquals(Optional.of(o), cluster.memoryShard(node, INDEX, shardOf.get(o.getId())).get(o.getId()),
                        "acknowledged write missing on survivor " + node);
            }
        }

        cluster.start(oldLeader);
        for (int s = 0; s < SHARDS; s++) {
            String sh = shardName(s);
            String leader = cluster.awaitLeader(INDEX, sh, WAIT);
            long applied = cluster.store(leader, INDEX, sh).lastAppliedIndex();
            cluster.awaitApplied(INDEX, sh, applied, WAIT);
            assertEquals(cluster.memoryShard(leader, INDEX, sh).checksum(),
                    cluster.memoryShard(oldLeader, INDEX, sh).checksum(), "restarted node caught up on " + sh);
        }
        for (ObjectData o : acked) {
            assertEquals(Optional.of(o), cluster.memoryShard(oldLeader, INDEX, shardOf.get(o.getId())).get(o.getId()));
        }
    }

    @Test
    void strongReadOnAFollowerSeesAWriteJustMadeThroughAnotherFollower() throws Exception {
        for (int round = 0; round < 5; round++) {
            String shard = shardName(round % SHARDS);
            String leader = cluster.awaitLeader(INDEX, shard, WAIT);
            List<String> followers = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
            ObjectData o = object("{\"round\":" + round + "}");
            await(cluster.registry(followers.get(0)).router(INDEX).putObject(shard, o));
            for (String reader : followers) {
                Optional<ObjectData> seen = await(cluster.registry(reader).router(INDEX)
                        .read(shard, ReadConsistency.STRONG, h -> ((MemoryHostShard) h).get(o.getId())));
                assertEquals(Optional.of(o), seen, "STRONG read on " + reader);
                Optional<ObjectData> direct = await(cluster.registry(reader).router(INDEX)
                        .read(shard, ReadConsistency.DIRECT, h -> ((MemoryHostShard) h).get(o.getId())));
                assertEquals(Optional.of(o), direct, "DIRECT read on " + reader);
            }
        }
    }

    @Test
    void strongAndDirectReadsOfAShardWithNoCommandsYetComplete() throws Exception {
        // the only entry in a fresh log is the leader's configuration entry, which never reaches the
        // state machine; a read barrier must not wait for the state machine to "apply" it
        for (String node : cluster.nodeIds()) {
            for (ReadConsistency c : ReadConsistency.values()) {
                assertEquals(0, (int) await(cluster.registry(node).router(INDEX)
                        .read(shardName(2), c, h -> ((MemoryHostShard) h).count())), c + " on " + node);
            }
        }
    }

    @Test
    void aLeaderThatLostItsQuorumRefusesStrongReads() throws Exception {
        String shard = shardName(2);
        String leader = cluster.awaitLeader(INDEX, shard, WAIT);
        ObjectData o = object("{\"x\":1}");
        await(cluster.registry(leader).router(INDEX).putObject(shard, o));
        for (String n : cluster.nodeIds()) {
            if (!n.equals(leader)) {
                cluster.stop(n);
            }
        }
        Router router = cluster.registry(leader).router(INDEX);
        ReplicationException e = failure(router.read(shard, ReadConsistency.STRONG,
                h -> ((MemoryHostShard) h).get(o.getId())));
        assertTrue(e.reason() == Reason.UNAVAILABLE || e.reason() == Reason.NOT_LEADER, e.toString());
        assertTrue(e.getMessage().contains(INDEX) && e.getMessage().contains(shard), e.getMessage());
        // and a write cannot be acknowledged without a quorum either
        ReplicationException w = failure(router.putObject(shard, object("{\"x\":2}")));
        assertTrue(w.reason() == Reason.UNAVAILABLE || w.reason() == Reason.NOT_LEADER
                || w.reason() == Reason.DEADLINE_EXCEEDED, w.toString());
        // the local replica still serves EVENTUAL reads of what it has
        assertEquals(Optional.of(o), await(router.read(shard, ReadConsistency.EVENTUAL,
                h -> ((MemoryHostShard) h).get(o.getId()))));
    }

    @Test
    void deletingAnIndexStopsItsGroupsEverywhereAndRemovesTheirDirectories() throws Exception {
        for (int s = 0; s < SHARDS; s++) {
            await(cluster.registry("node1").router(INDEX).putObject(shardName(s), object("{\"s\":" + s + "}")));
        }
        List<Path> dirs = new ArrayList<>();
        for (String node : cluster.nodeIds()) {
            for (int s = 0; s < SHARDS; s++) {
                Path p = cluster.registry(node).dataPath(INDEX, shardName(s));
                assertTrue(Files.isDirectory(p.resolve("raft").resolve("snapshot")), p + " exists while the index lives");
                assertTrue(cluster.registry(node).sharedLogStore().orElseThrow()
                        .keyCount(Names.groupId(INDEX, shardName(s))) > 0, "log of shard " + s + " on " + node);
                dirs.add(p);
            }
        }
        // the followers answer their leaders' appends in order (JRaft's pipeline) on one pool per node, not on a
        // thread per group and leader
        assertEquals(0, appendThreadsOf(INDEX), "AppendEntries threads of " + INDEX + " of their own");
        assertTrue(cluster.nodeIds().stream()
                .mapToInt(node -> cluster.registry(node).resources().pipelines().groups()).sum() >= SHARDS,
                "the followers' pipelines, at least one per shard");
        // the ReadIndex check runs on one thread per node, not on a scanner thread per group
        for (String node : cluster.nodeIds()) {
            assertEquals(SHARDS, cluster.registry(node).resources().readSweeper().groups(), "groups swept on " + node);
        }
        InProcessCluster.awaitTrue(() -> liveThreads("ReadOnlyService-PendingNotify-Scanner") == 0, WAIT,
                () -> liveThreads("ReadOnlyService-PendingNotify-Scanner") + " per-group ReadIndex scanners run");
        cluster.deleteIndex(INDEX);
        for (String node : cluster.nodeIds()) {
            assertFalse(cluster.registry(node).resources().readSweeper().running(),
                    "the sweep stops with the node's last group on " + node);
        }
        // the node-to-node connections outlive the dropped groups (one per peer for all groups): their pipelines not
        for (String node : cluster.nodeIds()) {
            assertEquals(0, cluster.registry(node).resources().pipelines().groups(), "pipelines left on " + node);
        }
        for (String node : cluster.nodeIds()) {
            assertTrue(cluster.registry(node).getRaft(INDEX).isEmpty());
            assertTrue(Files.notExists(cluster.dataDir(node).resolve(INDEX)), "index dir gone on " + node);
        }
        for (Path p : dirs) {
            assertFalse(Files.exists(p), p + " deleted");
        }
        for (String node : cluster.nodeIds()) {
            for (int s = 0; s < SHARDS; s++) {
                assertEquals(0, cluster.registry(node).sharedLogStore().orElseThrow()
                        .keyCount(Names.groupId(INDEX, shardName(s))), "log of dropped shard " + s + " on " + node);
            }
        }
        for (int s = 0; s < SHARDS; s++) {
            assertTrue(NodeManager.getInstance().getNodesByGroupId(Names.groupId(INDEX, shardName(s))).isEmpty(),
                    "no JRaft node of the dropped group is left");
        }

        cluster.createIndex(INDEX, SHARDS);
        for (int s = 0; s < SHARDS; s++) {
            String shard = shardName(s);
            String leader = cluster.awaitLeader(INDEX, shard, WAIT);
            for (String node : cluster.nodeIds()) {
                assertEquals(0, cluster.memoryShard(node, INDEX, shard).count(), "re-created index starts empty");
            }
            CommandResult r = await(cluster.registry(leader).router(INDEX).putObject(shard, object("{}")));
            assertTrue(r.getLogIndex() <= 3, "a fresh log, got index " + r.getLogIndex());
        }
    }

    private static long liveThreads(Predicate<String> name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && name.test(t.getName())).count();
    }

    private static long liveThreads(String namePrefix) {
        return liveThreads(name -> name.startsWith(namePrefix));
    }

    /** Live threads JRaft runs for the follower side of the index's groups' replication. */
    private static long appendThreadsOf(String index) {
        List<String> groups = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            groups.add(Names.groupId(index, shardName(s)) + "/");
        }
        return liveThreads(name -> name.contains("AppendEntriesThread") && groups.stream().anyMatch(name::startsWith));
    }

    @Test
    void stoppingOneGroupLeavesTheNodesOtherGroupsServing() throws Exception {
        // rule: one RPC server per node; unloading a group must not unregister the node's address
        for (String node : cluster.nodeIds()) {
            assertTrue(cluster.registry(node).getRaft(INDEX).orElseThrow().stopStore(shardName(0)));
        }
        for (int s = 1; s < SHARDS; s++) {
            String shard = shardName(s);
            CommandResult r = await(cluster.registry("node2").router(INDEX).putObject(shard, object("{}")));
            assertEquals(ItemStatus.ITEM_OK, r.getItems(0).getStatus());
        }
        ReplicationException e = failure(cluster.registry("node2").router(INDEX).putObject(shardName(0), object("{}")));
        assertEquals(Reason.NOT_FOUND, e.reason());
        // unload kept the state on disk
        assertTrue(Files.isDirectory(cluster.registry("node1").dataPath(INDEX, shardName(0)).resolve("raft")));
    }
}

package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteResponse;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.shardraft.cluster.data.Directories;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.data.ShardStore;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.store.Distance;
import io.shardraft.node.testing.NodeCluster;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that must load its snapshot (its MapDB state is gone or corrupt) and finds the snapshot file
 * corrupted never runs on partial state: with peers it sets the snapshot aside and is restored from them
 * (install snapshot); as the only copy it refuses to start its group, with an error naming the file.
 */
class CorruptSnapshotTest {
    @TempDir
    Path dir;

    /** node3's replica of the one shard of "snapbad", stopped with its snapshot and its MapDB state both bad. */
    private record BothBad(String shard, String expected, List<String> ids, Path shardDir) {
    }

    private static BothBad breakNode3(NodeCluster cluster) throws Exception {
        IndexDefinition def = IndexDefinition.replicated("snapbad", 1, 3, 2, Distance.L2);
        cluster.createIndex(def);
        String shard = def.shardName(0);
        List<String> ids = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            cluster.index("node1", "snapbad").putBatch(puts(20, ids)).get(30, TimeUnit.SECONDS);
            cluster.awaitConverged("snapbad", Duration.ofSeconds(30));
            // two snapshots everywhere: the logs are truncated, so the peers can only help with a snapshot
            for (String n : cluster.running()) {
                cluster.node(n).registry().getStore("snapbad", shard).orElseThrow().snapshot().get(30, TimeUnit.SECONDS);
            }
        }
        String expected = cluster.index("node1", "snapbad").checksums().get(30, TimeUnit.SECONDS).get(shard);
        Path shardDir = cluster.node("node3").database().shardPath("snapbad", shard);
        cluster.stop("node3");

        flipAByteIn(snapshotFile(shardDir));
        Path objects = shardDir.resolve("host").resolve("objects.db");
        byte[] garbage = new byte[(int) Math.min(Files.size(objects), 64 * 1024)];
        Arrays.fill(garbage, (byte) 0x5a);
        Files.write(objects, garbage);
        return new BothBad(shard, expected, ids, shardDir);
    }

    @Test
    void aReplicaWhoseSnapshotAndHostStateAreBothBadIsRestoredFromItsPeers() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3)) {
            BothBad bad = breakNode3(cluster);
            String shard = bad.shard();
            String expected = bad.expected();
            List<String> ids = bad.ids();
            Path shardDir = bad.shardDir();

            cluster.start("node3");
            cluster.awaitConverged("snapbad", Duration.ofSeconds(60));
            InProcessCluster.awaitTrue(() -> expected.equals(cluster.index("node3", "snapbad").checksums().join().get(shard)),
                    Duration.ofSeconds(30), () -> "the restored replica differs");
            for (String id : ids) {
                assertTrue(cluster.index("node3", "snapbad").get(id, ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS)
                        .isPresent(), id);
            }
            assertEquals(1, siblings(shardDir.resolve("host"), "host.corrupt-"), "the corrupt MapDB state is kept aside");
            assertEquals(1, siblings(shardDir.resolve("raft").resolve("snapshot"), "snapshot.corrupt-"),
                    "the unloadable snapshot is kept aside");
            assertTrue(snapshotFile(shardDir).toFile().length() > 0, "the leader installed its snapshot");
            // and the replica serves again as a full member: a write reaches it
            cluster.index("node1", "snapbad").putBatch(puts(1, ids)).get(30, TimeUnit.SECONDS);
            cluster.awaitConverged("snapbad", Duration.ofSeconds(30));
            assertEquals(41L, cluster.index("node3", "snapbad").count(ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS));
        }
    }

    /**
     * With its log emptied the restored replica would vote for any candidate; it withholds its votes and
     * pre-votes until it has caught up again. node2 is down meanwhile, so nothing can catch node3 up and no
     * leader can be elected by node1 with node3's vote (exactly the case where a candidate lacking entries
     * node3 had acknowledged could otherwise win).
     */
    @Test
    void aReplicaRestoredFromItsPeersWithholdsItsVoteUntilCaughtUp() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 3)) {
            BothBad bad = breakNode3(cluster);
            cluster.stop("node2");
            cluster.start("node3");
            Path marker = bad.shardDir().resolve("raft").resolve("vote-guard");
            assertTrue(Files.exists(marker), "the guard is on disk while the replica has not caught up");
            assertTrue(cluster.node("node3").registry().getStore("snapbad", bad.shard()).orElseThrow().votesWithheld());
            // a restart before it caught up: its log is still empty, the marker keeps it guarded
            cluster.stop("node3");
            cluster.start("node3");
            ShardStore restored = cluster.node("node3").registry().getStore("snapbad", bad.shard()).orElseThrow();
            assertTrue(Files.exists(marker));
            assertTrue(restored.votesWithheld(), "still guarded after a restart during catch-up");
            assertEquals(0, restored.stats().lastLogIndex(), "the log was emptied (nothing to catch up from)");

            String group = restored.config().groupId();
            PeerId candidate = raftPeer(cluster, "node1");
            PeerId voter = raftPeer(cluster, "node3");
            RpcClient client = RpcFactoryHelper.rpcFactory().createRpcClient();
            assertTrue(client.init(new RpcOptions()));
            try {
                long term = vote(client, group, candidate, voter, 0, false).getTerm();
                for (boolean preVote : new boolean[] {true, false}) {
                    // an empty log: JRaft alone would grant both (any log is at least as up to date)
                    RequestVoteResponse answer = vote(client, group, candidate, voter, term + 5, preVote);
                    assertFalse(answer.getGranted(), (preVote ? "pre-vote" : "vote") + " withheld while guarded");
                    assertTrue(answer.getTerm() <= term + 5, "never a term above the candidate's: " + answer);
                }
                assertTrue(Files.exists(marker));

                cluster.start("node2");
                InProcessCluster.awaitTrue(() -> !restored.votesWithheld() && !Files.exists(marker), Duration.ofSeconds(60),
                        () -> "the guard was not lifted after catch-up: applied " + restored.stats());
                assertTrue(restored.lastAppliedIndex() > 0, "the replica caught up from the leader");
                InProcessCluster.awaitTrue(() -> bad.expected().equals(
                        cluster.index("node3", "snapbad").checksums().join().get(bad.shard())),
                        Duration.ofSeconds(30), () -> "the restored replica differs");
                // and the group goes on with node3 as a full member: a write reaches it
                cluster.index("node1", "snapbad").putBatch(puts(1, bad.ids())).get(30, TimeUnit.SECONDS);
                cluster.awaitConverged("snapbad", Duration.ofSeconds(30));
                assertEquals(41L, cluster.index("node3", "snapbad").count(ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS));

                // caught up (last, as granting a vote at a new term unseats the leader): the same kind of request (a candidate whose log is ahead) is granted again
                long now = vote(client, group, candidate, voter, 0, false).getTerm();
                RequestVoteResponse granted = voteWithLog(client, group, candidate, voter, now + 1, false,
                        Long.MAX_VALUE / 2, Long.MAX_VALUE / 2);
                assertTrue(granted.getGranted(), "a caught-up replica votes normally: " + granted);
            } finally {
                client.shutdown();
            }
        }
    }

    private static PeerId raftPeer(NodeCluster cluster, String id) {
        NodeAddress a = cluster.node(id).registry().config().self();
        return new PeerId(a.host(), a.raftPort());
    }

    private static RequestVoteResponse vote(RpcClient client, String group, PeerId candidate, PeerId voter, long term,
            boolean preVote) throws Exception {
        return voteWithLog(client, group, candidate, voter, term, preVote, 0, 0);
    }

    private static RequestVoteResponse voteWithLog(RpcClient client, String group, PeerId candidate, PeerId voter,
            long term, boolean preVote, long lastLogIndex, long lastLogTerm) throws Exception {
        RequestVoteRequest request = RequestVoteRequest.newBuilder().setGroupId(group)
                .setServerId(candidate.toString()).setPeerId(voter.toString()).setTerm(term)
                .setLastLogIndex(lastLogIndex).setLastLogTerm(lastLogTerm).setPreVote(preVote).build();
        Object answer = client.invokeSync(voter.getEndpoint(), request, 5_000);
        if (!(answer instanceof RequestVoteResponse r)) {
            throw new AssertionError("not a vote answer: " + answer);
        }
        return r;
    }

    @Test
    void theOnlyCopyWithACorruptedSnapshotStopsTheGroupWithTheFileNamed() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, 1)) {
            IndexDefinition def = IndexDefinition.replicated("snapbad", 1, 1, 2, Distance.L2);
            cluster.createIndex(def);
            String shard = def.shardName(0);
            cluster.index("node1", "snapbad").putBatch(puts(40, new ArrayList<>())).get(30, TimeUnit.SECONDS);
            Path shardDir = cluster.node("node1").database().shardPath("snapbad", shard);
            cluster.node("node1").registry().getStore("snapbad", shard).orElseThrow().snapshot().get(30, TimeUnit.SECONDS);
            cluster.stop("node1");

            Path snap = snapshotFile(shardDir);
            flipAByteIn(snap);
            Directories.deleteRecursively(shardDir.resolve("host")); // its MapDB state is lost: it needs the snapshot

            RuntimeException refused = assertThrows(RuntimeException.class, () -> cluster.start("node1"));
            String message = messages(refused);
            assertTrue(message.contains(snap.toString()), "the error names the snapshot file: " + message);
            assertFalse(cluster.node("node1").registry().getStore("snapbad", shard).isPresent(),
                    "no group runs on the partial state");
            assertTrue(Files.exists(snap), "the only copy's snapshot is left where it is");
        }
    }

    private static List<PutObject> puts(int n, List<String> ids) {
        List<PutObject> puts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            puts.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id)
                    .setPropertiesJson("{\"i\":" + i + "}")).build());
        }
        return puts;
    }

    private static Path snapshotFile(Path shardDir) throws Exception {
        try (Stream<Path> s = Files.walk(shardDir.resolve("raft").resolve("snapshot"))) {
            // the saved snapshot, not one a trigger may have begun in temp/ (JRaft deletes that at start)
            return s.filter(p -> p.getFileName().toString().equals("objects.snap"))
                    .filter(p -> p.getParent().getParent().getFileName().toString().startsWith("snapshot_"))
                    .findFirst().orElseThrow();
        }
    }

    private static void flipAByteIn(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long pos = ch.size() / 2;
            ch.read(b, pos);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, pos);
        }
    }

    private static long siblings(Path p, String prefix) throws Exception {
        try (Stream<Path> s = Files.list(p.getParent())) {
            return s.filter(q -> q.getFileName().toString().startsWith(prefix)).count();
        }
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}

package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import eu.rekawek.toxiproxy.Proxy;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import io.shardraft.testkit.ToxiproxyServer;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiet groups on real JRaft nodes: idle followers wait the quiet election timeout while their leader's node answers
 * the liveness pings, and yet a group whose leader goes away gets a new leader long before that timeout, whether the
 * leader's node stops answering or the leader's group stops (JRaft's stopping leader wakes a follower).
 */
class QuietGroupsTest {
    private static final String INDEX = "quiet";
    private static final String SHARD = shardName(0);
    /** Longer than any wait below: a new leader within a wait did not come from the quiet timeout. */
    private static final Duration QUIET = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** Quiet groups with idle groups off: every group heartbeats at {@code heartbeat}. */
    private static RaftSettings settings(Duration election, Duration heartbeat) {
        return settings(election, heartbeat, heartbeat);
    }

    private static RaftSettings settings(Duration election, Duration heartbeat, Duration idleHeartbeat) {
        return InProcessCluster.testSettings().toBuilder()
                .electionTimeout(election)
                .leaderLeaseTimeout(election.multipliedBy(9).dividedBy(10))
                .quietElectionTimeout(QUIET)
                .heartbeatTimeout(heartbeat)
                .idleHeartbeatTimeout(idleHeartbeat)
                .build();
    }

    private static InProcessCluster memoryCluster(Path dir, RaftSettings settings) {
        return new InProcessCluster(dir, 3, settings, (i, s, d) -> new MemoryHostShard());
    }

    @Test
    void idleReplicasWaitTheQuietTimeoutAndLeadersHeartbeatAtTheQuietPeriod() {
        RaftSettings defaults = InProcessCluster.testSettings();
        try (InProcessCluster cluster = memoryCluster(dir, defaults.toBuilder()
                .idleHeartbeatTimeout(defaults.heartbeatTimeout()).build())) {
            cluster.startAll();
            RaftSettings s = cluster.settings();
            assertTrue(s.quietGroups(), "the test settings keep the defaults' quiet groups");
            cluster.createIndex(INDEX, 1);
            cluster.awaitLeader(INDEX, SHARD, WAIT);
            int quiet = (int) s.quietElectionTimeout().toMillis();
            InProcessCluster.awaitTrue(() -> cluster.running().stream().allMatch(id ->
                            electionTimeout(cluster, id) == quiet), WAIT,
                    () -> "election timeouts " + cluster.running().stream().map(id -> id + "="
                            + electionTimeout(cluster, id)).toList() + ", wanted " + quiet + " on every replica");
            for (String id : cluster.running()) {
                Node node = cluster.store(id, INDEX, SHARD).raftNode();
                assertEquals(s.heartbeatTimeout().toMillis(), NodeInternals.heartbeat(node),
                        "the replicators " + id + " starts when it leads heartbeat at the quiet period");
                assertEquals(Set.of(), cluster.registry(id).liveness().orElseThrow().suspected());
            }
        }
    }

    /**
     * Idle groups: with no new entry for three heartbeats the leader heartbeats at the idle period and every replica
     * waits the idle election timeout, for many heartbeats without an election; a write wakes the group at once:
     * the leader's replicators are armed again for the short heartbeat, so its followers, which expect short
     * heartbeats again as soon as they see the entry, are never left to think their leader silent (here the
     * silence limit, two heartbeats and half an election timeout, is shorter than the three heartbeats after which
     * they would see the group idle again), and no election follows.
     */
    @Test
    void anIdleGroupHeartbeatsAtTheIdlePeriodAndAWriteWakesItWithoutAnElection() throws Exception {
        Duration heartbeat = Duration.ofSeconds(1);
        Duration idleHeartbeat = Duration.ofSeconds(4);
        RaftSettings settings = settings(Duration.ofMillis(500), heartbeat, idleHeartbeat);
        try (InProcessCluster cluster = memoryCluster(dir, settings)) {
            cluster.startAll();
            cluster.createIndex(INDEX, 1);
            String leader = cluster.awaitLeader(INDEX, SHARD, WAIT);
            List<String> followers = others(cluster, leader);
            int idleElection = (int) settings.idleElectionTimeout().toMillis();
            assertEquals(QUIET.toMillis() * 4, idleElection);
            Node leaderNode = cluster.store(leader, INDEX, SHARD).raftNode();
            InProcessCluster.awaitTrue(() -> cluster.nodeIds().stream().allMatch(id -> electionTimeout(cluster, id)
                            == idleElection) && allEqual(NodeInternals.replicatorHeartbeats(leaderNode), 4000, 2),
                    WAIT, () -> "the group never went idle: election timeouts " + cluster.nodeIds().stream()
                            .map(id -> id + "=" + electionTimeout(cluster, id)).toList() + ", leader's replicators "
                            + Arrays.toString(NodeInternals.replicatorHeartbeats(leaderNode)));
            assertTrue(cluster.registry(leader).pacer().idle(cluster.store(leader, INDEX, SHARD)));
            long term = term(leaderNode);
            // idle for three idle heartbeats: far past the busy silence limit, no replica gets ready to elect
            watchNeverShort(cluster, followers, Duration.ofMillis(3 * idleHeartbeat.toMillis()));

            // write just after an idle heartbeat, so the next one armed is most of an idle period away
            Node follower = cluster.store(followers.get(0), INDEX, SHARD).raftNode();
            InProcessCluster.awaitTrue(() -> NodeInternals.leaderSilenceMs(follower) < 100, WAIT,
                    () -> "no idle heartbeat seen");
            cluster.registry(followers.get(0)).router(INDEX).putObject(SHARD, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);
            InProcessCluster.awaitTrue(() -> allEqual(NodeInternals.replicatorHeartbeats(leaderNode), 1000, 2),
                    WAIT, () -> "the write never woke the leader's replicators: "
                            + Arrays.toString(NodeInternals.replicatorHeartbeats(leaderNode)));
            // from the write until the group is idle again (and a while after) no follower misses a heartbeat
            watchNeverShort(cluster, followers, Duration.ofMillis(6 * heartbeat.toMillis()));
            assertEquals(term, term(leaderNode), "no election since the group went idle");
            assertEquals(leader, cluster.awaitLeader(INDEX, SHARD, WAIT));
        }
    }

    /**
     * An idle group's follower whose leader's group goes silent (the leader's node answers every ping) gets ready to
     * elect after two idle heartbeats, not after the idle election timeout.
     */
    @Test
    void anIdleFollowerThatStopsHearingItsLeaderIsReadyToElectAfterTwoIdleHeartbeats() throws Exception {
        RaftSettings settings = settings(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(3));
        try (InProcessCluster cluster = memoryCluster(dir, settings)) {
            cluster.startAll();
            cluster.createIndex(INDEX, 1);
            String leader = cluster.awaitLeader(INDEX, SHARD, WAIT);
            String follower = others(cluster, leader).get(0);
            int idleElection = (int) settings.idleElectionTimeout().toMillis();
            InProcessCluster.awaitTrue(() -> electionTimeout(cluster, follower) == idleElection, WAIT,
                    () -> follower + " never went idle: " + electionTimeout(cluster, follower));
            NodeAddress a = cluster.address(follower);
            long stopped = System.nanoTime();
            assertTrue(replicators(cluster.store(leader, INDEX, SHARD).raftNode())
                    .stopReplicator(new PeerId(a.host(), a.raftPort())));
            long shortTimeout = settings.electionTimeout().toMillis();
            InProcessCluster.awaitTrue(() -> electionTimeout(cluster, follower) == shortTimeout, WAIT,
                    () -> follower + " kept the idle timeout with its leader silent: " + electionTimeout(cluster, follower));
            long tookMs = (System.nanoTime() - stopped) / 1_000_000;
            assertTrue(tookMs >= 3_000, "ready to elect after " + tookMs + " ms: before one idle heartbeat passed");
        }
    }

    /**
     * A follower that restarts while its group is idle is caught up within a few heartbeats, not an idle heartbeat
     * later: the leader retries a follower that failed at the short period, idle or not. (JRaft retries a failed
     * follower after one heartbeat period; at the idle period a node restarted in a quiet cluster waited that long
     * for its metadata group, and "ready" with it.)
     */
    @Test
    void aFollowerThatRestartsWhileItsGroupIsIdleIsCaughtUpWithinAFewHeartbeats() throws Exception {
        Duration heartbeat = Duration.ofMillis(500);
        Duration idleHeartbeat = Duration.ofSeconds(20);
        RaftSettings settings = settings(Duration.ofMillis(500), heartbeat, idleHeartbeat);
        try (InProcessCluster cluster = memoryCluster(dir, settings)) {
            cluster.startAll();
            cluster.createIndex(INDEX, 1);
            String leader = cluster.awaitLeader(INDEX, SHARD, WAIT);
            String follower = others(cluster, leader).get(0);
            ShardStore leaderStore = cluster.store(leader, INDEX, SHARD);
            cluster.stop(follower);
            // written while the follower is down, so it has entries to catch up; then the group goes idle
            for (int i = 0; i < 5; i++) {
                cluster.registry(leader).router(INDEX).putObject(SHARD, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);
            }
            InProcessCluster.awaitTrue(() -> cluster.registry(leader).pacer().idle(leaderStore), WAIT,
                    () -> "the group never went idle");
            Node leaderNode = leaderStore.raftNode();
            // the live follower's replicator heartbeats at the idle period, the down one's at the short one
            InProcessCluster.awaitTrue(() -> Arrays.stream(NodeInternals.replicatorHeartbeats(leaderNode)).sorted()
                            .boxed().toList().equals(List.of(500, 20_000)), WAIT,
                    () -> "the leader's replicators: " + Arrays.toString(NodeInternals.replicatorHeartbeats(leaderNode)));
            Thread.sleep(2 * heartbeat.toMillis()); // a retry armed for the idle period would be armed by now

            long last = leaderNode.getLastLogIndex();
            long restarted = System.nanoTime();
            cluster.start(follower);
            long tookMs = awaitCaughtUp(cluster, follower, last, restarted);
            assertTrue(tookMs < 4 * heartbeat.toMillis() + 1_000,
                    follower + " caught up " + tookMs + " ms after it restarted: the leader retried it at the idle period");
            // caught up and keeping up: back on the idle period
            InProcessCluster.awaitTrue(() -> allEqual(NodeInternals.replicatorHeartbeats(leaderNode), 20_000, 2),
                    WAIT, () -> "the leader's replicators: " + Arrays.toString(NodeInternals.replicatorHeartbeats(leaderNode)));
        }
    }

    /**
     * A leader elected while a follower's node is down has no replicator for it (JRaft could not connect, and tries
     * again when a new connection to that address opens, or at the leader's quorum check, every half election
     * timeout: minutes for an idle group). When that node answers again, the leader starts replicating to it within
     * a sweep of the pacer, connections through a proxy included.
     */
    @Test
    void aLeaderElectedWhileAFollowerWasDownReplicatesToItSoonAfterItIsBack() throws Exception {
        Duration heartbeat = Duration.ofMillis(500);
        RaftSettings settings = settings(Duration.ofMillis(500), heartbeat, Duration.ofSeconds(20));
        try (ToxiproxyServer toxiproxy = ToxiproxyServer.start(); InProcessCluster cluster = memoryCluster(dir, settings)) {
            // through proxies, as the chaos clusters run: JRaft's own retry on a new connection looks for the address
            // it connected to (the proxy's), so it never finds the peer it failed to replicate to
            Map<String, Proxy> proxies = routeThroughProxies(toxiproxy, cluster);
            cluster.startAll();
            cluster.createIndex(INDEX, 1);
            String first = cluster.awaitLeader(INDEX, SHARD, WAIT);
            String down = others(cluster, first).get(0);
            String next = others(cluster, first).get(1);
            cluster.stop(down);
            // a proxy in front of a stopped node would still accept connections: refuse them, as the node would
            proxies.get(down).disable();
            NodeAddress a = cluster.address(next);
            Node firstNode = cluster.store(first, INDEX, SHARD).raftNode();
            // a leader just elected refuses a transfer until its configuration entry commits (EBUSY): ask again
            Status[] transfer = new Status[1];
            InProcessCluster.awaitTrue(() -> (transfer[0] = firstNode
                    .transferLeadershipTo(new PeerId(a.host(), a.raftPort()))).isOk(), WAIT,
                    () -> first + " refused to hand over to " + next + ": " + transfer[0]);
            InProcessCluster.awaitTrue(() -> cluster.store(next, INDEX, SHARD).isLeader(), WAIT,
                    () -> next + " never took over");
            ShardStore leaderStore = cluster.store(next, INDEX, SHARD);
            for (int i = 0; i < 5; i++) {
                cluster.registry(next).router(INDEX).putObject(SHARD, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);
            }
            InProcessCluster.awaitTrue(() -> cluster.registry(next).pacer().idle(leaderStore), WAIT,
                    () -> "the group never went idle");

            // the node comes back without its group, so nothing from it (a pre-vote) makes JRaft try again
            Node leaderNode = leaderStore.raftNode();
            NodeAddress d = cluster.address(down);
            PeerId downPeer = new PeerId(d.host(), d.raftPort());
            ReplicatorGroup leaderReplicators = replicators(leaderNode);
            assertTrue(leaderReplicators.getReplicator(downPeer) == null, "a replicator to the down node");
            proxies.get(down).enable();
            cluster.startWithoutIndexes(down);
            InProcessCluster.awaitTrue(() -> leaderReplicators.getReplicator(downPeer) != null,
                    Duration.ofSeconds(5), () -> "no replicator to " + down + " 5 s after it answers again");
            long last = leaderNode.getLastLogIndex();
            long restarted = System.nanoTime();
            cluster.openIndexes(down);
            long tookMs = awaitCaughtUp(cluster, down, last, restarted);
            assertTrue(tookMs < 4 * heartbeat.toMillis() + 1_000, down + " caught up " + tookMs
                    + " ms after its group started");
        }
    }

    /** Waits until {@code id}'s replica has applied {@code last}; returns the ms since {@code sinceNanos}. */
    private static long awaitCaughtUp(InProcessCluster cluster, String id, long last, long sinceNanos) {
        InProcessCluster.awaitTrue(() -> cluster.store(id, INDEX, SHARD).lastAppliedIndex() >= last, WAIT,
                () -> id + " never caught up to " + last);
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    /** Samples the followers' election timeouts for {@code d}: none may be the short one (ready to elect). */
    private static void watchNeverShort(InProcessCluster cluster, List<String> followers, Duration d)
            throws InterruptedException {
        long shortTimeout = cluster.settings().electionTimeout().toMillis();
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            for (String id : followers) {
                assertTrue(Math.abs(electionTimeout(cluster, id)) != shortTimeout,
                        id + " got ready to elect: it missed its leader's heartbeats");
            }
            Thread.sleep(20);
        }
    }

    private static boolean allEqual(int[] values, int wanted, int count) {
        return values.length == count && Arrays.stream(values).allMatch(v -> v == wanted);
    }

    private static long term(Node node) throws ReflectiveOperationException {
        Field f = NodeImpl.class.getDeclaredField("currTerm");
        f.setAccessible(true);
        return f.getLong(node);
    }

    @Test
    void newGroupsFirstLeadersAreSpreadOverTheNodesByTheirPickedMember() {
        int shards = 12;
        try (InProcessCluster cluster = InProcessCluster.startMemory(dir, 3)) {
            cluster.createIndex(INDEX, shards);
            Map<String, Integer> led = new TreeMap<>();
            int picked = 0;
            for (int i = 0; i < shards; i++) {
                String leader = cluster.awaitLeader(INDEX, shardName(i), WAIT);
                led.merge(leader, 1, Integer::sum);
                ShardStore store = cluster.store(leader, INDEX, shardName(i));
                if (ElectionPacer.firstCandidate(store.config().groupId(), store.config().members()).equals(leader)) {
                    picked++;
                }
            }
            // without the stagger the node that opens its replicas first tends to win, and a third would be picked
            // by chance; a picked member loses only when its first candidacy fails (a peer not started yet)
            assertTrue(picked >= shards * 3 / 4, picked + " of " + shards + " first leaders are their group's picked "
                    + "member; leaders per node " + led);
            assertEquals(3, led.size(), "every node leads some of the new groups: " + led);
        }
    }

    /**
     * A new group has no leader to wait for: its picked member asks for pre-votes from the next tick on, so a new
     * index is led within round trips, not after a first election timeout (JRaft's timer fires one to two election
     * timeouts after the replica starts). Creating thousands of indexes waits for each one's leaders.
     */
    @Test
    void aNewGroupElectsItsFirstLeaderBeforeAnElectionTimeout() {
        Duration election = Duration.ofSeconds(5);
        int shards = 3;
        try (InProcessCluster cluster = memoryCluster(dir, settings(election, Duration.ofMillis(500)))) {
            cluster.startAll();
            long started = System.nanoTime();
            cluster.createIndex(INDEX, shards);
            for (int i = 0; i < shards; i++) {
                String leader = cluster.awaitLeader(INDEX, shardName(i), WAIT);
                ShardStore store = cluster.store(leader, INDEX, shardName(i));
                assertEquals(ElectionPacer.firstCandidate(store.config().groupId(), store.config().members()), leader,
                        shardName(i) + " is led by a member that is not its picked one");
            }
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMs < election.toMillis(), "the new groups had leaders " + tookMs
                    + " ms after they were created: they waited out an election timeout of " + election);
        }
    }

    private static int electionTimeout(InProcessCluster cluster, String id) {
        ShardStore store = cluster.store(id, INDEX, SHARD);
        Node node = store.raftNode();
        int set = node.getOptions().getElectionTimeoutMs();
        return set == cluster.registry(id).pacer().electionTimeoutOf(store) ? set : -set;
    }

    @Test
    void aStoppedNodeIsSuspectedAndHeardAgainWhenItIsBack() {
        try (InProcessCluster cluster = InProcessCluster.startMemory(dir, 3)) {
            NodeLiveness node1 = cluster.registry("node1").liveness().orElseThrow();
            assertFalse(node1.suspected("node3"));
            cluster.stop("node3");
            InProcessCluster.awaitTrue(() -> node1.suspected("node3"), WAIT, () -> "node1 never suspected node3");
            assertEquals(Set.of("node3"), node1.suspected());
            cluster.start("node3");
            InProcessCluster.awaitTrue(() -> !node1.suspected("node3"), WAIT, () -> "node1 never heard node3 again");
        }
    }

    @Test
    void aLeaderWhoseNodeStopsAnsweringIsReplacedLongBeforeTheQuietTimeout() throws Exception {
        // heartbeats far apart (they still reach the followers, the cut is on the leader's incoming side only): only
        // the liveness pings tell the followers that the leader's node is gone
        RaftSettings settings = settings(Duration.ofMillis(500), Duration.ofSeconds(2));
        try (ToxiproxyServer toxiproxy = ToxiproxyServer.start(); InProcessCluster cluster = memoryCluster(dir, settings)) {
            Map<String, Proxy> proxies = routeThroughProxies(toxiproxy, cluster);
            cluster.startAll();
            String old = leaderWithQuietFollowers(cluster);
            List<String> others = others(cluster, old);

            proxies.get(old).disable();
            for (String id : others) {
                NodeLiveness l = cluster.registry(id).liveness().orElseThrow();
                InProcessCluster.awaitTrue(() -> l.suspected(old), WAIT, () -> id + " never suspected " + old);
            }
            InProcessCluster.awaitTrue(() -> leaderAmong(cluster, others).isPresent(), WAIT,
                    () -> "no new leader among " + others + " within " + WAIT + " (the quiet timeout is " + QUIET + ")");
            String now = leaderAmong(cluster, others).orElseThrow();
            // the new leader commits with the other follower, without the cut-off node
            cluster.registry(now).router(INDEX).putObject(SHARD, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFollowerThatStopsHearingItsLeaderIsReadyToElectThoughTheLeadersNodeAnswers() throws Exception {
        try (InProcessCluster cluster = memoryCluster(dir, settings(Duration.ofSeconds(1), Duration.ofSeconds(1)))) {
            cluster.startAll();
            String leader = leaderWithQuietFollowers(cluster);
            String follower = others(cluster, leader).get(0);
            // the leader's node keeps answering pings; only the group's heartbeats to this follower stop
            NodeAddress a = cluster.address(follower);
            assertTrue(replicators(cluster.store(leader, INDEX, SHARD).raftNode())
                    .stopReplicator(new PeerId(a.host(), a.raftPort())));
            long shortTimeout = cluster.settings().electionTimeout().toMillis();
            InProcessCluster.awaitTrue(() -> electionTimeout(cluster, follower) == shortTimeout, WAIT,
                    () -> follower + " kept the quiet timeout with its leader silent: " + electionTimeout(cluster, follower));
            assertFalse(cluster.registry(follower).liveness().orElseThrow().suspected(leader),
                    "the leader's node answered all along");
        }
    }

    /** The leader's replicators (JRaft keeps them private; stopping one silences the group towards that peer). */
    private static ReplicatorGroup replicators(Node node) throws ReflectiveOperationException {
        Field f = NodeImpl.class.getDeclaredField("replicatorGroup");
        f.setAccessible(true);
        return (ReplicatorGroup) f.get(node);
    }

    /**
     * A node restart in a quiet cluster, in process: the leader's node stops answering, its group there goes away
     * (without waking a follower: nothing gets through), and the node answers again. The followers of the idle group
     * do not wait two idle heartbeats for a leader they have not heard since its node was lost: they elect one at
     * once.
     */
    @Test
    void idleFollowersWhoseLeadersNodeWasLostAndAnswersAgainElectWithoutWaitingTwoIdleHeartbeats() throws Exception {
        Duration idleHeartbeat = Duration.ofSeconds(20);
        RaftSettings settings = settings(Duration.ofMillis(500), Duration.ofMillis(500), idleHeartbeat);
        try (ToxiproxyServer toxiproxy = ToxiproxyServer.start(); InProcessCluster cluster = memoryCluster(dir, settings)) {
            Map<String, Proxy> proxies = routeThroughProxies(toxiproxy, cluster);
            cluster.startAll();
            String old = leaderWithIdleFollowers(cluster);
            List<String> others = others(cluster, old);

            for (Proxy p : proxies.values()) {
                p.disable();
            }
            for (String id : others) {
                NodeLiveness l = cluster.registry(id).liveness().orElseThrow();
                InProcessCluster.awaitTrue(() -> l.suspected(old), WAIT, () -> id + " never suspected " + old);
            }
            assertTrue(cluster.registry(old).requireRaft(INDEX).stopStore(SHARD));
            for (Proxy p : proxies.values()) {
                p.enable();
            }
            for (String id : others) {
                NodeLiveness l = cluster.registry(id).liveness().orElseThrow();
                InProcessCluster.awaitTrue(() -> !l.suspected(old), WAIT, () -> id + " never heard " + old + " again");
            }
            long back = System.nanoTime();
            InProcessCluster.awaitTrue(() -> leaderAmong(cluster, others).isPresent(), idleHeartbeat.dividedBy(2),
                    () -> "no new leader among " + others + " within half an idle heartbeat of " + old
                            + " answering again: the followers trusted the leader they had not heard since");
            System.out.printf("new leader %d ms after %s answered again%n", (System.nanoTime() - back) / 1_000_000, old);
        }
    }

    /**
     * The leader's group restarts on a node that never stops answering pings (as after a restart quicker than the
     * liveness notices, or a leader that stepped down without handing over): the restarted replica asks the
     * followers of the idle group for pre-votes, and a pre-vote from their leader's address tells them it is gone,
     * so they do not wait two idle heartbeats.
     */
    @Test
    void idleFollowersGrantAPreVoteFromTheirLeadersAddressAtOnce() throws Exception {
        Duration idleHeartbeat = Duration.ofSeconds(20);
        RaftSettings settings = settings(Duration.ofMillis(500), Duration.ofMillis(500), idleHeartbeat);
        try (ToxiproxyServer toxiproxy = ToxiproxyServer.start(); InProcessCluster cluster = memoryCluster(dir, settings)) {
            Map<String, Proxy> proxies = routeThroughProxies(toxiproxy, cluster);
            cluster.startAll();
            String old = leaderWithIdleFollowers(cluster);
            List<String> others = others(cluster, old);

            // only the followers' side is cut: the old leader's node answers their pings all along, and its stopping
            // group's TimeoutNow does not reach them
            for (String id : others) {
                proxies.get(id).disable();
            }
            assertTrue(cluster.registry(old).requireRaft(INDEX).stopStore(SHARD));
            cluster.registry(old).requireRaft(INDEX).getOrCreateStore(SHARD, cluster.nodeIds(),
                    cluster.registry(old).dataPath(INDEX, SHARD));
            for (String id : others) {
                proxies.get(id).enable();
            }
            for (String id : others) {
                assertFalse(cluster.registry(id).liveness().orElseThrow().suspected(old), old + " was suspected");
            }
            long back = System.nanoTime();
            InProcessCluster.awaitTrue(() -> cluster.nodeIds().stream().anyMatch(id -> cluster.store(id, INDEX, SHARD)
                            .isLeader()), idleHeartbeat.dividedBy(2),
                    () -> "no leader within half an idle heartbeat of the restarted replica asking for pre-votes");
            System.out.printf("leader %d ms after the followers could hear the restarted replica%n",
                    (System.nanoTime() - back) / 1_000_000);
            cluster.awaitLeader(INDEX, SHARD, WAIT);
        }
    }

    @Test
    void aGroupWhoseLeaderStopsOnANodeThatStillAnswersDoesNotWaitTheQuietTimeout() throws Exception {
        try (InProcessCluster cluster = memoryCluster(dir, settings(Duration.ofSeconds(1), Duration.ofSeconds(1)))) {
            cluster.startAll();
            String first = leaderWithQuietFollowers(cluster);
            List<String> others = others(cluster, first);

            // the group stops on the leader's node, which keeps answering pings: the followers still hear from the node,
            // so they stay quiet; JRaft's stopping leader wakes one of them (TimeoutNow)
            assertTrue(cluster.registry(first).requireRaft(INDEX).stopStore(SHARD));
            InProcessCluster.awaitTrue(() -> leaderAmong(cluster, others).isPresent(), WAIT,
                    () -> "no new leader among " + others + " after the leader's group stopped");
            String second = leaderAmong(cluster, others).orElseThrow();
            cluster.registry(second).router(INDEX).putObject(SHARD, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);

            // the whole node of the new leader shuts down: the last replica left takes over
            List<String> left = others.stream().filter(id -> !id.equals(second)).toList();
            InProcessCluster.awaitTrue(() -> electionTimeout(cluster, left.get(0)) == QUIET.toMillis(), WAIT,
                    () -> "the last follower never went quiet");
            // a quorum needs the first node's replica back: the group starts there again
            cluster.registry(first).requireRaft(INDEX).getOrCreateStore(SHARD, cluster.nodeIds(),
                    cluster.registry(first).dataPath(INDEX, SHARD));
            InProcessCluster.awaitTrue(() -> cluster.store(first, INDEX, SHARD).leaderId().equals(Optional.of(second)),
                    WAIT, () -> first + " never followed " + second);
            cluster.stop(second);
            List<String> survivors = others(cluster, second);
            InProcessCluster.awaitTrue(() -> leaderAmong(cluster, survivors).isPresent(), WAIT,
                    () -> "no new leader among " + survivors + " after " + second + " shut down");
        }
    }

    /** Creates the one-shard index, waits for its leader and for the followers to go idle; returns the leader. */
    private static String leaderWithIdleFollowers(InProcessCluster cluster) {
        cluster.createIndex(INDEX, 1);
        String leader = cluster.awaitLeader(INDEX, SHARD, WAIT);
        long idleElection = cluster.settings().idleElectionTimeout().toMillis();
        InProcessCluster.awaitTrue(() -> others(cluster, leader).stream()
                .allMatch(id -> electionTimeout(cluster, id) == idleElection), WAIT, () -> "the followers never went idle");
        return leader;
    }

    /** Routes every node's Raft traffic through a Toxiproxy proxy of its own; returns the proxies by node. */
    private static Map<String, Proxy> routeThroughProxies(ToxiproxyServer toxiproxy, InProcessCluster cluster) {
        Map<String, Proxy> proxies = new LinkedHashMap<>();
        Map<String, NodeAddress> dial = new LinkedHashMap<>();
        for (String id : cluster.nodeIds()) {
            NodeAddress a = cluster.address(id);
            Proxy p = toxiproxy.proxy(id + "-raft", a.raftEndpoint());
            proxies.put(id, p);
            dial.put(id, new NodeAddress(a.host(), ToxiproxyServer.port(p), a.grpcPort()));
        }
        cluster.routeThrough(dial);
        return proxies;
    }

    /** Creates the one-shard index, waits for its leader and for the other replicas to go quiet; returns the leader. */
    private static String leaderWithQuietFollowers(InProcessCluster cluster) {
        cluster.createIndex(INDEX, 1);
        String leader = cluster.awaitLeader(INDEX, SHARD, WAIT);
        List<String> followers = others(cluster, leader);
        long quiet = cluster.settings().quietElectionTimeout().toMillis();
        InProcessCluster.awaitTrue(() -> followers.stream().allMatch(id -> electionTimeout(cluster, id) == quiet),
                WAIT, () -> "the followers never went quiet");
        return leader;
    }

    private static List<String> others(InProcessCluster cluster, String id) {
        return cluster.nodeIds().stream().filter(o -> !o.equals(id)).toList();
    }

    /** The replica among {@code ids} that leads and that every other one of {@code ids} follows. */
    private static Optional<String> leaderAmong(InProcessCluster cluster, List<String> ids) {
        for (String id : ids) {
            ShardStore s = cluster.store(id, INDEX, SHARD);
            if (s.isLeader() && ids.stream().filter(o -> !o.equals(id))
                    .allMatch(o -> cluster.store(o, INDEX, SHARD).leaderId().equals(Optional.of(id)))) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }
}

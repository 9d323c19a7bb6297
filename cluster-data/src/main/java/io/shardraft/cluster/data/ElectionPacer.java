package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.Utils;
import com.google.common.base.Preconditions;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Quiet groups: an idle group costs its node a heartbeat per follower every {@code heartbeatTimeout} (1 s by
 * default) instead of every tenth of the election timeout, and failover still starts one election timeout after a
 * leader's node stops answering.
 *
 * <p>At the first {@code interval} tick after the set of suspected peers changes, and every {@link #SWEEP_TICKS}
 * ticks otherwise, the pacer sets each group replica's JRaft election timeout from what the node's
 * {@link NodeLiveness} sees:
 * <ul>
 *   <li>a follower whose leader's node answers and whose leader it heard within two heartbeats waits the quiet
 *       election timeout, many heartbeats long, so sparse heartbeats never look like a lost leader;</li>
 *   <li>a replica without a leader, whose leader's node is suspected, or that missed two heartbeats (the leader's
 *       node may answer and yet the group there be gone: a restart, a stopped group) waits the short election
 *       timeout, so it starts an election as soon as the leader has been silent that long;</li>
 *   <li>a leader keeps the quiet timeout (the window in which it must hear from a quorum) while a quorum of its
 *       members answers, and the election timeout once it does not, so it steps down as fast as before.</li>
 * </ul>
 * A new group's first election is staggered: one of its members ({@link #firstCandidate}: an index's shards take the
 * members in turn) keeps the short timeout and the others wait twice as long, so the first leaders of new groups
 * spread evenly over the nodes instead of going mostly to the node that started its replicas first (the one that
 * applied the index's creation first). That lasts until the group first has a leader, or for four election timeouts
 * at most; then the rules above apply. A picked member that is down at creation delays the first election by about
 * one election timeout. The picked member does not wait out a first election timeout either (a new group has no
 * leader to wait for): from the next tick it asks for pre-votes ({@link NodeInternals#preVoteNow}), again after
 * twice as long each time its peers do not have the group yet, until the group has a leader or for two election
 * timeouts, so a new index has its leaders within a few round trips instead of one to two election timeouts.
 *
 * <p>Idle groups ({@link RaftSettings#idleHeartbeatTimeout()}): a replica whose last log index has not moved for
 * {@link RaftSettings#IDLE_AFTER_HEARTBEATS} heartbeats sees its group as idle. An idle group's leader heartbeats
 * every idle heartbeat period (30 s by default) instead of every heartbeat, and its followers take the rules above
 * with that period: they wait the idle election timeout (the quiet one stretched as much) while they heard their
 * leader within two idle heartbeats and its node answers. A leader sees its own new entries before its followers
 * do, so it slows down first and its followers never miss the heartbeats they still wait for. A write wakes the
 * group: the leader's replicators, whose next heartbeat may be an idle period away, are armed again for the
 * short one at once, and the followers, which see the new entries, expect short heartbeats again. A follower that
 * does not keep up (its node is suspected, a request to it failed, it is being probed or sent a snapshot) is retried
 * at the short period even in an idle group, so a node that restarts in a quiet cluster is caught up at once.
 *
 * <p>A leader lost while its node keeps answering is found by its followers without waiting out idle heartbeats:
 * <ul>
 *   <li>its group shuts down or fails there: JRaft's leader sends the most caught-up follower a TimeoutNow, and that
 *       follower elects itself at once;</li>
 *   <li>its node restarted (stopped answering for a while, answers again): a follower that has not heard its leader
 *       since the leader's node was last suspected stays ready to elect until it hears a leader again;</li>
 *   <li>its replica is back as a follower there (a restart too quick for the liveness, or a leader that stepped down
 *       without handing over, as after a failed log write): that replica asks for pre-votes, and a pre-vote from the
 *       leader's own address ({@link #preVoteFrom}) makes a follower ready to elect at once.</li>
 * </ul>
 * Otherwise (the group is gone for good from a node that answers, without handing over) idle followers find out
 * after two idle heartbeats instead of two heartbeats. The leader's quorum check runs every half of the election
 * timeout the pacer set (JRaft keeps the period the node started with). Idle followers whose leader is heard, and
 * idle leaders already heartbeating at the idle period with every follower keeping up, are looked at every
 * {@link #QUIET_SWEEPS} sweeps only (a quiet leader's last log index is still read at every sweep, so a write wakes
 * it as fast as before). Safety does not depend on any of this: Raft's votes and
 * terms do not use timeouts, a timeout only decides when an election starts.
 */
public final class ElectionPacer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ElectionPacer.class);
    /** A pacer that does nothing: every group keeps JRaft's election timeout and heartbeat. */
    public static final ElectionPacer OFF = new ElectionPacer();
    /** Ticks between sweeps while no peer's suspicion changes. */
    static final int SWEEP_TICKS = 5;
    /**
     * A quiet replica is looked at every this many sweeps only (unless a peer's suspicion changes): nothing about it
     * needs a quick answer. An idle follower whose leader is heard allows its leader two idle heartbeats of silence,
     * and a write it sees only makes it expect short heartbeats, which a slow look only makes it more patient about.
     * An idle leader heartbeating at the idle period with every follower keeping up has nothing to change until a
     * write (its last log index is read at every sweep for that) or a follower's failure, which JRaft retries at the
     * idle period and the pacer then at most this many sweeps later. At 3,000 groups per node, sweeping the
     * thousand leaders every sweep was most of the pacer's CPU and allocations.
     */
    static final int QUIET_SWEEPS = 4;

    private final NodeLiveness liveness;
    private final int electionMs;
    private final int quietElectionMs;
    private final int heartbeatMs;
    /** A follower that has not heard from its leader's group for longer is kept ready to elect, pings or not. */
    private final long silenceLimitMs;
    /** Whether idle groups heartbeat every {@link #idleHeartbeatMs} (and this JRaft lets the pacer do it). */
    private final boolean idleGroups;
    private final int idleHeartbeatMs;
    private final int idleElectionMs;
    private final long idleSilenceLimitMs;
    private final long idleAfterMs;
    private final Duration interval;
    /** Each paced replica and what the pacer last saw of it and set on it. */
    private final ConcurrentHashMap<ShardStore, Pace> paced = new ConcurrentHashMap<>();
    /** The same, by group id (a node has one replica of a group). */
    private final ConcurrentHashMap<String, Pace> pacedGroups = new ConcurrentHashMap<>();
    /** New groups' replicas whose first election is staggered, and until when (monotonic ms). */
    private final ConcurrentHashMap<ShardStore, Long> staggered = new ConcurrentHashMap<>();
    /** New groups' picked members, which ask for pre-votes before their first election timeout. */
    private final ConcurrentHashMap<ShardStore, FirstElection> firstElections = new ConcurrentHashMap<>();
    private final Map<Endpoint, String> nodeOfEndpoint;
    /**
     * When (JRaft's monotonic ms) each peer was last seen suspected, at a tick: a follower that has not heard its
     * leader since the leader's node was suspected does not trust that leader again when the node answers again.
     */
    private final Map<String, Long> lastSuspectedMs = new ConcurrentHashMap<>();
    /** The peers suspected at the last sweep: a change starts a sweep at the next tick. */
    private Set<String> sweptSuspects = Set.of();
    private int ticksSinceSweep;
    private long sweeps;
    private ScheduledExecutorService ticker;

    private ElectionPacer() {
        this.liveness = null;
        this.electionMs = 0;
        this.quietElectionMs = 0;
        this.heartbeatMs = 0;
        this.silenceLimitMs = 0;
        this.idleGroups = false;
        this.idleHeartbeatMs = 0;
        this.idleElectionMs = 0;
        this.idleSilenceLimitMs = 0;
        this.idleAfterMs = 0;
        this.interval = null;
        this.nodeOfEndpoint = Map.of();
    }

    /**
     * @param liveness the node's view of its peers (started and closed by its owner)
     * @param resolver every node of the cluster
     * @param settings the election timeout, quiet election timeout and heartbeat; quiet groups must be on
     * @param interval how often the pacer looks whether a peer's suspicion changed (then it sets every replica's
     *                 timeout again at once; otherwise every {@link #SWEEP_TICKS} intervals)
     */
    public ElectionPacer(NodeLiveness liveness, AddressResolver resolver, RaftSettings settings, Duration interval) {
        Preconditions.checkArgument(settings.quietGroups(), "quiet groups are off in %s", settings);
        this.liveness = Preconditions.checkNotNull(liveness, "liveness");
        Preconditions.checkNotNull(resolver, "resolver");
        this.electionMs = (int) settings.electionTimeout().toMillis();
        this.quietElectionMs = (int) settings.quietElectionTimeout().toMillis();
        this.heartbeatMs = (int) settings.heartbeatTimeout().toMillis();
        this.silenceLimitMs = 2L * heartbeatMs + electionMs / 2;
        this.idleGroups = settings.idleGroups() && NodeInternals.IDLE_AVAILABLE;
        this.idleHeartbeatMs = (int) settings.idleHeartbeatTimeout().toMillis();
        this.idleElectionMs = (int) settings.idleElectionTimeout().toMillis();
        this.idleSilenceLimitMs = 2L * idleHeartbeatMs + electionMs / 2;
        this.idleAfterMs = (long) RaftSettings.IDLE_AFTER_HEARTBEATS * heartbeatMs;
        this.interval = interval;
        Map<Endpoint, String> nodes = new HashMap<>();
        for (String id : resolver.nodeIds()) {
            resolver.resolve(id).ifPresent(a -> nodes.put(new Endpoint(a.host(), a.raftPort()), id));
        }
        this.nodeOfEndpoint = Map.copyOf(nodes);
    }

    public boolean active() {
        return liveness != null;
    }

    public synchronized void start() {
        if (!active() || ticker != null) {
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat("shardraft-pacer").setDaemon(true).build());
        ticker.scheduleWithFixedDelay(this::paceAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Takes over a replica whose JRaft node has just initialised (so before it can lead): its future replicators
     * heartbeat at the quiet heartbeat period, and from the next tick its election timeout follows the rules above.
     * It starts with the election timeout its node was created with (the short one).
     */
    void add(ShardStore store, Node node) {
        if (!active()) {
            return;
        }
        NodeInternals.setHeartbeat(node, heartbeatMs);
        List<String> members = store.config().members();
        boolean newGroup = node.getLastLogIndex() == 0 && members.size() > 1;
        if (newGroup && !firstCandidate(store.config().groupId(), members).equals(store.config().nodeId())) {
            // a new group (nothing in its log, so it never had a leader): let the picked member elect first
            int later = 2 * electionMs;
            node.resetElectionTimeoutMs(later);
            staggered.put(store, nowMs() + 2L * later);
            track(store, new Pace(later));
            return;
        }
        track(store, new Pace(electionMs));
        if (newGroup) {
            long now = nowMs();
            firstElections.put(store, new FirstElection(now + interval.toMillis(), interval.toMillis(),
                    now + 2L * electionMs));
        }
    }

    private void track(ShardStore store, Pace p) {
        paced.put(store, p);
        pacedGroups.put(store.config().groupId(), p);
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    /**
     * The member of a new group whose first election is not staggered: the same on every node. The shards of one
     * index ({@code g_<index>__<name><number>}) take the members in turn, in name order from a point picked by the
     * index, so an index's first leaders are spread evenly over its nodes, not just on average over many indexes:
     * by the group id's hash alone, the three shards of a three-node index had all-different first leaders only two
     * times in nine. Other ids go by their hash.
     */
    static String firstCandidate(String groupId, List<String> members) {
        List<String> sorted = members.stream().sorted().toList();
        int digits = groupId.length();
        while (digits > 0 && Character.isDigit(groupId.charAt(digits - 1))) {
            digits--;
        }
        int turn = 0;
        if (digits < groupId.length() && groupId.length() - digits <= 9) {
            turn = Integer.parseInt(groupId.substring(digits));
        }
        return sorted.get(Math.floorMod(groupId.substring(0, digits).hashCode() + turn, sorted.size()));
    }

    /** Stops pacing a replica (before it stops). */
    void remove(ShardStore store) {
        Pace p = paced.remove(store);
        if (p != null) {
            pacedGroups.remove(store.config().groupId(), p);
        }
        staggered.remove(store);
        firstElections.remove(store);
    }

    /**
     * Called with each pre-vote request a replica of {@code groupId} receives, before it is answered. A pre-vote
     * from the address of the leader that replica follows says that leader is gone (a leader never asks for votes):
     * its node restarted, or it stepped down without handing over, and that node may answer every ping. The
     * replica gets the short election timeout at once, so it grants the pre-vote if it has not heard that leader
     * for that long, and stays ready to elect until it hears a leader again. Without this, a follower of an idle
     * group would wait two idle heartbeats before it believes its leader gone.
     */
    void preVoteFrom(String groupId, Node node, String candidate) {
        Pace p = pacedGroups.isEmpty() ? null : pacedGroups.get(groupId);
        if (p == null || !active()) {
            return;
        }
        PeerId leader = node.getLeaderId();
        PeerId from = PeerId.parsePeer(candidate);
        if (leader == null || leader.isEmpty() || from == null || !from.getEndpoint().equals(leader.getEndpoint())) {
            return;
        }
        p.leaderGoneAtMs = Utils.monotonicMs();
        if (p.electionMs != electionMs) {
            node.resetElectionTimeoutMs(electionMs);
            p.electionMs = electionMs;
            LOG.info("[{}] pre-vote from {}, the leader it followed: the leader is gone, ready to elect", groupId,
                    candidate);
        }
    }

    /** The election timeout last set on {@code store}, or -1 if it is not paced. */
    int electionTimeoutOf(ShardStore store) {
        Pace p = paced.get(store);
        return p == null ? -1 : p.electionMs;
    }

    /** Whether the pacer sees {@code store}'s group as idle (no new log entry lately); false if it is not paced. */
    boolean idle(ShardStore store) {
        Pace p = paced.get(store);
        return p != null && idleGroups && p.lastIndex >= 0 && nowMs() - p.movedAtMs >= idleAfterMs;
    }

    /**
     * Every tick in which the set of suspected peers changed (a leader's node lost, a quorum lost or back), and every
     * {@link #SWEEP_TICKS} ticks otherwise (missed heartbeats, idle, stagger): sweeping thousands of replicas every
     * tick was most of an idle node's own CPU.
     */
    private void paceAll() {
        if (!firstElections.isEmpty()) {
            askFirstPreVotes();
        }
        Set<String> suspects = liveness.suspected();
        if (!suspects.isEmpty()) {
            long now = Utils.monotonicMs();
            suspects.forEach(peer -> lastSuspectedMs.put(peer, now));
        }
        if (suspects.equals(sweptSuspects) && ++ticksSinceSweep < SWEEP_TICKS) {
            return;
        }
        boolean all = !suspects.equals(sweptSuspects) || ++sweeps % QUIET_SWEEPS == 0;
        sweptSuspects = suspects;
        ticksSinceSweep = 0;
        Predicate<PeerId> isSuspected = peer -> suspected(peer, suspects);
        for (Map.Entry<ShardStore, Pace> e : paced.entrySet()) {
            Pace p = e.getValue();
            if (!all && (p.quietFollower || p.quietLeader && !wrote(e.getKey(), p))) {
                continue;
            }
            try {
                pace(e.getKey(), p, suspects, isSuspected);
            } catch (RuntimeException failed) {
                LOG.debug("pacing {} failed: {}", e.getKey().config().groupId(), failed.toString());
            }
        }
    }

    /** Whether a quiet leader's log has new entries since the pacer last looked (or its node is gone). */
    private static boolean wrote(ShardStore store, Pace p) {
        Node node = store.raftNode();
        return node == null || node.getLastLogIndex() != p.lastIndex;
    }

    private void pace(ShardStore store, Pace p, Set<String> suspects, Predicate<PeerId> isSuspected) {
        Node node = store.raftNode();
        if (node == null) {
            return;
        }
        // (empty once every new group has had its first leader: no lookup per replica per tick then)
        Long until = staggered.isEmpty() ? null : staggered.get(store);
        if (until != null) {
            PeerId leader = node.getLeaderId();
            if ((leader == null || leader.isEmpty()) && nowMs() < until) {
                return;
            }
            staggered.remove(store);
        }
        long now = nowMs();
        long index = node.getLastLogIndex();
        if (index != p.lastIndex) {
            p.lastIndex = index;
            p.movedAtMs = now;
        }
        boolean idle = idleGroups && now - p.movedAtMs >= idleAfterMs;
        boolean leader = node.isLeader();
        if (leader && NodeInternals.restartFailedReplicators(node, isSuspected) > 0) {
            LOG.info("[{}] started the replicators it could not start when it was elected", store.config().groupId());
        }
        if (leader && idleGroups) {
            // every sweep, not only when the group goes idle or wakes: a follower that fails or restarts while its
            // group is idle is retried at the short period, so it is caught up as fast as in a busy group
            int beat = idle ? idleHeartbeatMs : heartbeatMs;
            int lagging = NodeInternals.setReplicatorHeartbeat(node, beat, heartbeatMs, isSuspected);
            if (beat != p.heartbeatMs || lagging != p.lagging) {
                LOG.debug("[{}] {}: heartbeat {} ms, {} lagging follower(s) at {} ms", store.config().groupId(),
                        idle ? "idle" : "busy", beat, lagging, heartbeatMs);
                p.heartbeatMs = beat;
                p.lagging = lagging;
            }
        }
        int wanted = alert(store, node, p, idle, suspects) ? electionMs : idle ? idleElectionMs : quietElectionMs;
        if (wanted != p.electionMs && paced.get(store) == p) {
            node.resetElectionTimeoutMs(wanted);
            p.electionMs = wanted;
            LOG.debug("[{}] election timeout {} ms", store.config().groupId(), wanted);
        }
        if (leader && (!p.leading || p.stepDownMs != wanted / 2)) {
            // JRaft checks a leader's quorum every half election timeout, but of the timeout the node started with
            p.stepDownMs = NodeInternals.setStepDownPeriod(node, wanted / 2) ? wanted / 2 : -1;
        }
        if (p.leading && !leader && idleGroups) {
            // replicators it starts when it leads again (a handover can make even a quiet follower lead at once)
            // start at the short period, not at the idle one it last set
            NodeInternals.setHeartbeat(node, heartbeatMs);
            p.heartbeatMs = 0;
        }
        p.leading = leader;
        p.quietFollower = !leader && wanted == idleElectionMs;
        p.quietLeader = leader && wanted == idleElectionMs && p.heartbeatMs == idleHeartbeatMs && p.lagging == 0
                && p.stepDownMs == wanted / 2;
    }

    /**
     * Every tick, for new groups' picked members: asks for pre-votes when one is due, until the group has a leader
     * (or an entry: it was elected) or its window ends. A peer that does not have the group yet fails the pre-vote,
     * so each try waits twice as long as the last.
     */
    private void askFirstPreVotes() {
        long now = nowMs();
        for (Map.Entry<ShardStore, FirstElection> e : firstElections.entrySet()) {
            FirstElection f = e.getValue();
            Node node = e.getKey().raftNode();
            if (node == null || now < f.nextMs && now < f.untilMs) {
                continue;
            }
            PeerId leader = node.getLeaderId();
            if (now >= f.untilMs || node.getLastLogIndex() > 0 || leader != null && !leader.isEmpty()) {
                firstElections.remove(e.getKey(), f);
                continue;
            }
            if (NodeInternals.preVoteNow(node)) {
                LOG.debug("[{}] new group: asked for pre-votes", e.getKey().config().groupId());
            }
            f.delayMs *= 2;
            f.nextMs = now + f.delayMs;
        }
    }

    /** Whether {@code peer} is on a node that is suspected now. */
    private boolean suspected(PeerId peer, Set<String> suspects) {
        String peerNode = nodeOfEndpoint.get(peer.getEndpoint());
        return peerNode != null && suspects.contains(peerNode);
    }

    /** Whether the replica must be ready to elect soon: see the class comment. */
    private boolean alert(ShardStore store, Node node, Pace p, boolean idle, Set<String> suspects) {
        List<String> members = store.config().members();
        String self = store.config().nodeId();
        if (node.isLeader()) {
            int answering = 0;
            for (String m : members) {
                if (!m.equals(self) && !suspects.contains(m)) {
                    answering++;
                }
            }
            return answering + 1 < members.size() / 2 + 1;
        }
        PeerId leader = node.getLeaderId();
        if (leader == null || leader.isEmpty()) {
            return true;
        }
        long silenceMs = NodeInternals.leaderSilenceMs(node);
        long goneAt = p.leaderGoneAtMs;
        if (goneAt != 0) {
            // a pre-vote came from the leader's address: ready to elect until a leader is heard after it
            if (silenceMs > Utils.monotonicMs() - goneAt) {
                return true;
            }
            p.leaderGoneAtMs = 0;
        }
        if (silenceMs > (idle ? idleSilenceLimitMs : silenceLimitMs)) {
            // two heartbeats missed: the group's leader is silent though its node may answer (restarted, or the group
            // stopped there). Staying quiet would also let every flip of the liveness view restart the election
            // timer and postpone an election that is due.
            return true;
        }
        String leaderNode = nodeOfEndpoint.get(leader.getEndpoint());
        if (leaderNode == null || suspects.contains(leaderNode)) {
            return true;
        }
        // the leader's node stopped answering after this replica last heard the leader and answers again: it may
        // have restarted (a SIGKILL and a start), its groups there followers now. Until the leader is heard again,
        // the replica does not wait two (idle) heartbeats to find out.
        Long suspectedAt = lastSuspectedMs.get(leaderNode);
        return suspectedAt != null && silenceMs > Utils.monotonicMs() - suspectedAt;
    }

    /**
     * What the pacer last saw of one replica and set on it. Written by the ticker thread only (after {@link #add});
     * {@link #electionMs} is read by tests.
     */
    private static final class Pace {
        volatile int electionMs;
        /** The replica's last log index at the last tick, and when (monotonic ms) it last changed. */
        volatile long lastIndex = -1;
        volatile long movedAtMs;
        /** Whether it led at the last tick, and the heartbeat and step-down period set on it then (0: none yet). */
        boolean leading;
        int heartbeatMs;
        int stepDownMs;
        /** How many of its followers were lagging at the last tick, when it led. */
        int lagging;
        /** Whether at the last tick it was an idle follower waiting the idle election timeout. */
        boolean quietFollower;
        /**
         * Whether at the last tick it was an idle leader with the idle election timeout and step-down period, its
         * replicators at the idle heartbeat and none lagging.
         */
        boolean quietLeader;
        /** When (JRaft's monotonic ms) a pre-vote came from the address of the leader it followed; 0: none since. */
        volatile long leaderGoneAtMs;

        Pace(int electionMs) {
            this.electionMs = electionMs;
        }
    }

    /** When a new group's picked member next asks for pre-votes, how long it waits after that, and until when. */
    private static final class FirstElection {
        long nextMs;
        long delayMs;
        final long untilMs;

        FirstElection(long nextMs, long delayMs, long untilMs) {
            this.nextMs = nextMs;
            this.delayMs = delayMs;
            this.untilMs = untilMs;
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        paced.clear();
        pacedGroups.clear();
        staggered.clear();
        firstElections.clear();
        lastSuspectedMs.clear();
    }
}

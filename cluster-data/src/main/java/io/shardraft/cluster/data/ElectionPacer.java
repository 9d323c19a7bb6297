package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import com.google.common.base.Preconditions;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Quiet groups: an idle group costs its node a heartbeat per follower every {@code heartbeatTimeout} (1 s by
 * default) instead of every tenth of the election timeout, and failover still starts one election timeout after a
 * leader's node stops answering.
 *
 * <p>Every {@code interval} the pacer sets each group replica's JRaft election timeout from what the node's
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
 * one election timeout.
 *
 * <p>A leader whose group stops or fails while its node keeps answering is not waited for either: JRaft's leader,
 * when it shuts down or enters the error state, sends the most caught-up follower a TimeoutNow, and that follower
 * elects itself at once. (A leader that steps down after a failed log write does not; its followers wait the quiet
 * timeout.) Safety does not depend on any of this: Raft's votes and terms do not use timeouts, a timeout only
 * decides when an election starts.
 */
public final class ElectionPacer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ElectionPacer.class);
    /** A pacer that does nothing: every group keeps JRaft's election timeout and heartbeat. */
    public static final ElectionPacer OFF = new ElectionPacer();

    private final NodeLiveness liveness;
    private final int electionMs;
    private final int quietElectionMs;
    private final int heartbeatMs;
    /** A follower that has not heard from its leader's group for longer is kept ready to elect, pings or not. */
    private final long silenceLimitMs;
    private final Duration interval;
    /** Each paced replica and the election timeout last set on it. */
    private final ConcurrentHashMap<ShardStore, Integer> paced = new ConcurrentHashMap<>();
    /** New groups' replicas whose first election is staggered, and until when (monotonic ms). */
    private final ConcurrentHashMap<ShardStore, Long> staggered = new ConcurrentHashMap<>();
    private final Map<String, String> nodeOfEndpoint;
    private ScheduledExecutorService ticker;

    private ElectionPacer() {
        this.liveness = null;
        this.electionMs = 0;
        this.quietElectionMs = 0;
        this.heartbeatMs = 0;
        this.silenceLimitMs = 0;
        this.interval = null;
        this.nodeOfEndpoint = Map.of();
    }

    /**
     * @param liveness the node's view of its peers (started and closed by its owner)
     * @param resolver every node of the cluster
     * @param settings the election timeout, quiet election timeout and heartbeat; quiet groups must be on
     * @param interval how often every replica's timeout is set again
     */
    public ElectionPacer(NodeLiveness liveness, AddressResolver resolver, RaftSettings settings, Duration interval) {
        Preconditions.checkArgument(settings.quietGroups(), "quiet groups are off in %s", settings);
        this.liveness = Preconditions.checkNotNull(liveness, "liveness");
        Preconditions.checkNotNull(resolver, "resolver");
        this.electionMs = (int) settings.electionTimeout().toMillis();
        this.quietElectionMs = (int) settings.quietElectionTimeout().toMillis();
        this.heartbeatMs = (int) settings.heartbeatTimeout().toMillis();
        this.silenceLimitMs = 2L * heartbeatMs + electionMs / 2;
        this.interval = interval;
        Map<String, String> nodes = new HashMap<>();
        for (String id : resolver.nodeIds()) {
            resolver.resolve(id).ifPresent(a -> nodes.put(a.raftEndpoint(), id));
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
        if (node.getLastLogIndex() == 0 && members.size() > 1
                && !firstCandidate(store.config().groupId(), members).equals(store.config().nodeId())) {
            // a new group (nothing in its log, so it never had a leader): let the picked member elect first
            int later = 2 * electionMs;
            node.resetElectionTimeoutMs(later);
            staggered.put(store, nowMs() + 2L * later);
            paced.put(store, later);
            return;
        }
        paced.put(store, electionMs);
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
        paced.remove(store);
        staggered.remove(store);
    }

    /** The election timeout last set on {@code store}, or -1 if it is not paced. */
    int electionTimeoutOf(ShardStore store) {
        return paced.getOrDefault(store, -1);
    }

    private void paceAll() {
        for (Map.Entry<ShardStore, Integer> e : paced.entrySet()) {
            try {
                pace(e.getKey(), e.getValue());
            } catch (RuntimeException failed) {
                LOG.debug("pacing {} failed: {}", e.getKey().config().groupId(), failed.toString());
            }
        }
    }

    private void pace(ShardStore store, int current) {
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
        int wanted = alert(store, node) ? electionMs : quietElectionMs;
        if (wanted != current && paced.replace(store, current, wanted)) {
            node.resetElectionTimeoutMs(wanted);
            LOG.debug("[{}] election timeout {} ms", store.config().groupId(), wanted);
        }
    }

    /** Whether the replica must be ready to elect soon: see the class comment. */
    private boolean alert(ShardStore store, Node node) {
        List<String> members = store.config().members();
        String self = store.config().nodeId();
        if (node.isLeader()) {
            int answering = 0;
            for (String m : members) {
                if (!m.equals(self) && !liveness.suspected(m)) {
                    answering++;
                }
            }
            return answering + 1 < members.size() / 2 + 1;
        }
        PeerId leader = node.getLeaderId();
        if (leader == null || leader.isEmpty()) {
            return true;
        }
        if (NodeInternals.leaderSilenceMs(node) > silenceLimitMs) {
            // two heartbeats missed: the group's leader is silent though its node may answer (restarted, or the group
            // stopped there). Staying quiet would also let every flip of the liveness view restart the election
            // timer and postpone an election that is due.
            return true;
        }
        String leaderNode = nodeOfEndpoint.get(leader.getEndpoint().toString());
        return leaderNode == null || liveness.suspected(leaderNode);
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        paced.clear();
        staggered.clear();
    }
}

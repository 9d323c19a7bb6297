package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.Replicator;
import com.alipay.sofa.jraft.core.ReplicatorGroupImpl;
import com.alipay.sofa.jraft.core.State;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.ReplicatorOptions;
import com.alipay.sofa.jraft.util.RepeatedTimer;
import com.alipay.sofa.jraft.util.ThreadId;
import com.alipay.sofa.jraft.util.Utils;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The two things about a JRaft 1.4.1 node that quiet groups ({@link ElectionPacer}) need and JRaft keeps private.
 *
 * <ul>
 *   <li><b>The heartbeat period of the replicators a node starts when it leads.</b> JRaft derives it from the
 *       election timeout once, at init (electionTimeout / electionHeartbeatFactor), and each replicator copies it
 *       from the replicator group's common options when it starts. {@code Node.resetElectionTimeoutMs} does not
 *       change it: {@code ReplicatorGroupImpl.resetHeartbeatInterval} stores the new value in a field that
 *       {@code addReplicator} never reads. {@link #setHeartbeat} writes the common options right after init, before
 *       the node can have started a replicator (a group with peers first has to win an election).</li>
 *   <li><b>How long a follower has not heard from its leader</b> ({@code NodeImpl.lastLeaderTimestamp}, on JRaft's
 *       monotonic clock), so a follower is never kept on the long timeout while its leader's group is silent, even
 *       if the leader's node answers pings (it restarted, or only the group stopped there).</li>
 * </ul>
 * If these fields are missing (another JRaft version) {@link #AVAILABLE} is false, said once in the log, and the node
 * runs without quiet groups.
 *
 * <p>Idle groups need four more ({@link #IDLE_AVAILABLE}; without them idle groups heartbeat like busy ones):
 * <ul>
 *   <li><b>A running replicator's own options</b> ({@code Replicator.options}, a copy of the common ones): the
 *       replicator reads its heartbeat period from them each time it arms its heartbeat timer, after each heartbeat
 *       returns, so a new period takes effect from the next heartbeat on;</li>
 *   <li><b>its heartbeat timer</b> ({@code Replicator.heartbeatTimer}, {@code startHeartbeatTimer}): a group that
 *       wakes from idle must not wait out a long period already armed, so the armed timer is cancelled and armed
 *       again with the short one; only while it has not fired (a heartbeat in flight arms it again when it
 *       returns, so two timers never run for one replicator);</li>
 *   <li><b>whether it keeps up</b> ({@code Replicator.state}, {@code consecutiveErrorTimes}, {@code blockTimer}) and
 *       <b>its retry</b> ({@code unBlockAndSendNow}): JRaft retries a follower whose request failed after one
 *       heartbeat period, so a follower that fails or restarts in an idle group is kept on the short period, and a
 *       retry armed for an idle period is sent at once;</li>
 *   <li><b>the leader's step-down timer</b> ({@code NodeImpl.stepDownTimer}): JRaft runs the leader's quorum check
 *       every half election timeout, the timeout the node started with, not the one the pacer sets later; its period
 *       follows the pacer's timeout.</li>
 * </ul>
 * And, for any leader, <b>the peers JRaft could not start a replicator for</b>
 * ({@code ReplicatorGroupImpl.failureReplicators}): JRaft retries them on a new connection to the peer's address (never
 * matched through a proxy) and at its quorum check; {@link #restartFailedReplicators} retries them once the peer
 * answers. Without the field a leader waits for JRaft.
 *
 * <p>And <b>a follower's pre-vote</b> ({@code NodeImpl.preVote}, called with {@code NodeImpl.writeLock} held, as
 * JRaft's election timer does): a new group's first candidate asks for pre-votes as soon as its peers have the group
 * ({@link #preVoteNow}), instead of waiting out a first election timeout with no leader to wait for. Without them it
 * waits for JRaft's timer.
 */
final class NodeInternals {
    private static final Logger LOG = LogManager.getLogger(NodeInternals.class);
    private static final Field REPLICATOR_GROUP;
    private static final Field COMMON_OPTIONS;
    private static final Field LAST_LEADER_TIMESTAMP;
    /** Whether this JRaft has the fields; without them quiet groups are off. */
    static final boolean AVAILABLE;
    private static final Field REPLICATOR_OPTIONS;
    private static final Field HEARTBEAT_TIMER;
    private static final Method START_HEARTBEAT_TIMER;
    private static final Field STEP_DOWN_TIMER;
    private static final Field BLOCK_TIMER;
    private static final Field ERRORS;
    private static final Field STATE;
    private static final Method UNBLOCK_AND_SEND_NOW;
    /** The peers JRaft could not start a replicator for ({@code ReplicatorGroupImpl.failureReplicators}); null if unknown. */
    private static final Field FAILED_REPLICATORS;
    /** Whether this JRaft has what idle groups need as well; without it idle groups heartbeat like busy ones. */
    static final boolean IDLE_AVAILABLE;
    /** {@code NodeImpl.writeLock} and {@code NodeImpl.preVote}; null if unknown (another JRaft). */
    private static final Field WRITE_LOCK;
    private static final Method PRE_VOTE;

    /** The members quiet groups need. */
    private record QuietMembers(Field group, Field common, Field heard) {
        static final QuietMembers NONE = new QuietMembers(null, null, null);
    }

    /** The members idle groups need as well. */
    private record IdleMembers(Field options, Field timer, Method start, Field stepDown, Field block, Field errors,
            Field state, Method unblock) {
        static final IdleMembers NONE = new IdleMembers(null, null, null, null, null, null, null, null);
    }

    /** The members a new group's first pre-vote needs. */
    private record PreVoteMembers(Field writeLock, Method preVote) {
        static final PreVoteMembers NONE = new PreVoteMembers(null, null);
    }

    static {
        QuietMembers quiet = lookUp("a node's replicator options or its last contact with the leader",
                "quiet groups are off", QuietMembers.NONE,
                () -> new QuietMembers(field(NodeImpl.class, "replicatorGroup"),
                        field(ReplicatorGroupImpl.class, "commonOptions"),
                        field(NodeImpl.class, "lastLeaderTimestamp")));
        REPLICATOR_GROUP = quiet.group();
        COMMON_OPTIONS = quiet.common();
        LAST_LEADER_TIMESTAMP = quiet.heard();
        AVAILABLE = quiet.heard() != null;
        IdleMembers idle = lookUp("a replicator's options and heartbeat timer or a node's step-down timer",
                "idle groups heartbeat like busy ones", IdleMembers.NONE,
                () -> new IdleMembers(field(Replicator.class, "options"), field(Replicator.class, "heartbeatTimer"),
                        method(Replicator.class, "startHeartbeatTimer", long.class),
                        field(NodeImpl.class, "stepDownTimer"), field(Replicator.class, "blockTimer"),
                        field(Replicator.class, "consecutiveErrorTimes"), field(Replicator.class, "state"),
                        method(Replicator.class, "unBlockAndSendNow", ThreadId.class)));
        REPLICATOR_OPTIONS = idle.options();
        HEARTBEAT_TIMER = idle.timer();
        START_HEARTBEAT_TIMER = idle.start();
        STEP_DOWN_TIMER = idle.stepDown();
        BLOCK_TIMER = idle.block();
        ERRORS = idle.errors();
        STATE = idle.state();
        UNBLOCK_AND_SEND_NOW = idle.unblock();
        FAILED_REPLICATORS = lookUp("the replicators it could not start",
                "a leader retries them only when JRaft does", null,
                () -> field(ReplicatorGroupImpl.class, "failureReplicators"));
        PreVoteMembers preVote = lookUp("a node's lock and pre-vote",
                "a new group's first election waits for an election timeout", PreVoteMembers.NONE,
                () -> new PreVoteMembers(field(NodeImpl.class, "writeLock"), method(NodeImpl.class, "preVote")));
        WRITE_LOCK = preVote.writeLock();
        PRE_VOTE = preVote.preVote();
        IDLE_AVAILABLE = AVAILABLE && idle.stepDown() != null && idle.unblock() != null;
    }

    /** Finds private members of JRaft that one feature needs together. */
    @FunctionalInterface
    interface Lookup<T> {
        T find() throws ReflectiveOperationException;
    }

    /**
     * Runs {@code lookup}: all the members it finds, or, if this JRaft lacks one of them (another version),
     * {@code none} and a warning naming the {@code members} and what the node does {@code without} them.
     */
    static <T> T lookUp(String members, String without, T none, Lookup<T> lookup) {
        try {
            return lookup.find();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("this JRaft does not keep {} where 1.4.1 does ({}); {}", members, e.toString(), without);
            return none;
        }
    }

    private NodeInternals() {
    }

    /** A private field of JRaft's, made accessible. */
    static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    private static Method method(Class<?> owner, String name, Class<?>... parameters) throws NoSuchMethodException {
        Method m = owner.getDeclaredMethod(name, parameters);
        m.setAccessible(true);
        return m;
    }

    /** Makes {@code node}'s future replicators heartbeat every {@code periodMs}; false if it could not. */
    static boolean setHeartbeat(Node node, int periodMs) {
        ReplicatorOptions options = commonOptions(node);
        if (options == null) {
            return false;
        }
        options.setDynamicHeartBeatTimeoutMs(periodMs);
        return true;
    }

    /**
     * Sets the heartbeat period of {@code node}'s replicators: future ones and those whose follower keeps up get
     * {@code periodMs}; one whose follower is not keeping up gets {@code busyMs}, the shorter one: its peer is
     * {@code suspected}, or its last request failed, or it is probing, blocked or sending a snapshot. (JRaft retries a
     * failed follower after a heartbeat period; a follower that restarts in an idle group must not wait an idle one
     * to be caught up.) A replicator whose heartbeat or retry is armed for later than its period from now is armed
     * again for its period from now (a blocked one retries at once). Returns how many running replicators got
     * {@code busyMs}, or -1 if it could not (not a leader's node, or another JRaft).
     */
    static int setReplicatorHeartbeat(Node node, int periodMs, int busyMs, Predicate<PeerId> suspected) {
        if (!IDLE_AVAILABLE || !setHeartbeat(node, periodMs)) {
            return -1;
        }
        try {
            Object group = REPLICATOR_GROUP.get(node);
            if (!(group instanceof ReplicatorGroupImpl replicators)) {
                return -1;
            }
            int busy = 0;
            for (ThreadId id : replicators.listReplicators()) {
                Object r = id.lock();
                if (r == null) {
                    continue; // destroyed meanwhile
                }
                boolean retryNow = false;
                try {
                    ReplicatorOptions options = (ReplicatorOptions) REPLICATOR_OPTIONS.get(r);
                    ScheduledFuture<?> blocked = (ScheduledFuture<?>) BLOCK_TIMER.get(r);
                    boolean lagging = blocked != null || ERRORS.getInt(r) > 0
                            || STATE.get(r) != Replicator.State.Replicate || suspected.test(options.getPeerId());
                    int period = lagging ? Math.min(busyMs, periodMs) : periodMs;
                    busy += lagging ? 1 : 0;
                    if (options.getDynamicHeartBeatTimeoutMs() != period) {
                        options.setDynamicHeartBeatTimeoutMs(period);
                    }
                    ScheduledFuture<?> armed = (ScheduledFuture<?>) HEARTBEAT_TIMER.get(r);
                    if (armed != null && armed.getDelay(TimeUnit.MILLISECONDS) > period && armed.cancel(false)) {
                        START_HEARTBEAT_TIMER.invoke(r, Utils.nowMs());
                    }
                    retryNow = blocked != null && blocked.getDelay(TimeUnit.MILLISECONDS) > period;
                } finally {
                    id.unlock();
                }
                if (retryNow) {
                    UNBLOCK_AND_SEND_NOW.invoke(null, id); // takes the replicator's lock itself
                }
            }
            return busy;
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            LOG.warn("cannot set the replicators' heartbeat of {}: {}", node.getNodeId(), e.toString());
            return -1;
        }
    }

    /**
     * Starts again the replicators of {@code node} (a leader) that JRaft could not start: a peer whose node was down
     * when this one was elected has none, and JRaft tries again only at its leader's quorum check, every half
     * election timeout, which for an idle group is minutes. Peers that are {@code suspected} are left for later
     * (each try opens a connection). Returns how many it started, or -1 if it could not look.
     */
    static int restartFailedReplicators(Node node, Predicate<PeerId> suspected) {
        if (FAILED_REPLICATORS == null || !(node instanceof NodeImpl)) {
            return -1;
        }
        try {
            Object group = REPLICATOR_GROUP.get(node);
            if (!(group instanceof ReplicatorGroupImpl replicators)) {
                return -1;
            }
            Map<?, ?> failed = (Map<?, ?>) FAILED_REPLICATORS.get(replicators);
            if (failed.isEmpty()) {
                return 0; // every sweep for every leader: nothing more than this
            }
            int started = 0;
            for (Object key : failed.keySet().toArray()) {
                if (key instanceof PeerId peer && !suspected.test(peer)) {
                    replicators.checkReplicator(peer, true);
                    started += replicators.getReplicator(peer) != null ? 1 : 0;
                }
            }
            return started;
        } catch (IllegalAccessException | RuntimeException e) {
            return -1; // stopping
        }
    }

    /**
     * Makes {@code node} ask its peers for pre-votes now, as its election timer would when it fires, if it is a
     * follower without a leader. A pre-vote changes no term: a peer grants it only if it has no leader it still hears
     * and this node's log is as up to date as its own, and a quorum of grants starts the election. Returns whether it
     * asked (false: it has a leader, is not a follower, or this JRaft does not allow it).
     */
    static boolean preVoteNow(Node node) {
        if (PRE_VOTE == null || !(node instanceof NodeImpl impl)) {
            return false;
        }
        Lock lock;
        try {
            lock = (Lock) WRITE_LOCK.get(impl);
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
        lock.lock();
        boolean handedOver = false;
        try {
            PeerId leader = impl.getLeaderId();
            if (impl.getNodeState() != State.STATE_FOLLOWER || (leader != null && !leader.isEmpty())) {
                return false;
            }
            handedOver = true; // preVote releases the lock on every path
            PRE_VOTE.invoke(impl);
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            LOG.warn("[{}] cannot ask for pre-votes: {}", node.getGroupId(), e.toString());
            return false;
        } finally {
            if (!handedOver) {
                lock.unlock();
            }
        }
    }

    /** The heartbeat periods of {@code node}'s running replicators (none if unknown), for tests. */
    static int[] replicatorHeartbeats(Node node) {
        if (!IDLE_AVAILABLE) {
            return new int[0];
        }
        try {
            Object group = REPLICATOR_GROUP.get(node);
            if (!(group instanceof ReplicatorGroupImpl replicators)) {
                return new int[0];
            }
            return replicators.listReplicators().stream().map(ThreadId::getData).filter(r -> r != null)
                    .mapToInt(r -> {
                        try {
                            return ((ReplicatorOptions) REPLICATOR_OPTIONS.get(r)).getDynamicHeartBeatTimeoutMs();
                        } catch (IllegalAccessException e) {
                            return -1;
                        }
                    }).toArray();
        } catch (IllegalAccessException | RuntimeException e) {
            return new int[0];
        }
    }

    /**
     * Runs {@code node}'s leader quorum check (JRaft's step-down timer) every {@code periodMs} from now on; while the
     * node does not lead, the period is kept for when it does. False if it could not.
     */
    static boolean setStepDownPeriod(Node node, int periodMs) {
        if (!IDLE_AVAILABLE || !(node instanceof NodeImpl)) {
            return false;
        }
        try {
            Object timer = STEP_DOWN_TIMER.get(node);
            if (!(timer instanceof RepeatedTimer t)) {
                return false;
            }
            if (t.getTimeoutMs() != periodMs) {
                t.reset(periodMs);
            }
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.warn("cannot set the step-down period of {}: {}", node.getNodeId(), e.toString());
            return false;
        }
    }

    /** The period {@code node}'s future replicators heartbeat at, or -1 if unknown. */
    static int heartbeat(Node node) {
        ReplicatorOptions options = commonOptions(node);
        return options == null ? -1 : options.getDynamicHeartBeatTimeoutMs();
    }

    /**
     * How many milliseconds ago {@code node} last heard from a leader (an append, a heartbeat, or, on a leader, a
     * quorum's answers); {@link Long#MAX_VALUE} if unknown.
     */
    static long leaderSilenceMs(Node node) {
        if (!AVAILABLE || !(node instanceof NodeImpl)) {
            return Long.MAX_VALUE;
        }
        try {
            return Utils.monotonicMs() - LAST_LEADER_TIMESTAMP.getLong(node);
        } catch (IllegalAccessException | RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    private static ReplicatorOptions commonOptions(Node node) {
        if (!AVAILABLE || !(node instanceof NodeImpl)) {
            return null;
        }
        try {
            Object group = REPLICATOR_GROUP.get(node);
            return group instanceof ReplicatorGroupImpl ? (ReplicatorOptions) COMMON_OPTIONS.get(group) : null;
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.warn("cannot reach the replicator options of {}: {}", node.getNodeId(), e.toString());
            return null;
        }
    }
}

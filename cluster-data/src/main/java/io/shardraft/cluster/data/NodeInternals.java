package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.Replicator;
import com.alipay.sofa.jraft.core.ReplicatorGroupImpl;
import com.alipay.sofa.jraft.option.ReplicatorOptions;
import com.alipay.sofa.jraft.util.RepeatedTimer;
import com.alipay.sofa.jraft.util.ThreadId;
import com.alipay.sofa.jraft.util.Utils;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * <p>Idle groups need three more ({@link #IDLE_AVAILABLE}; without them idle groups heartbeat like busy ones):
 * <ul>
 *   <li><b>A running replicator's own options</b> ({@code Replicator.options}, a copy of the common ones): the
 *       replicator reads its heartbeat period from them each time it arms its heartbeat timer, after each heartbeat
 *       returns, so a new period takes effect from the next heartbeat on;</li>
 *   <li><b>its heartbeat timer</b> ({@code Replicator.heartbeatTimer}, {@code startHeartbeatTimer}): a group that
 *       wakes from idle must not wait out a long period already armed, so the armed timer is cancelled and armed
 *       again with the short one; only while it has not fired (a heartbeat in flight arms it again when it
 *       returns, so two timers never run for one replicator);</li>
 *   <li><b>the leader's step-down timer</b> ({@code NodeImpl.stepDownTimer}): JRaft runs the leader's quorum check
 *       every half election timeout, the timeout the node started with, not the one the pacer sets later; its period
 *       follows the pacer's timeout.</li>
 * </ul>
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
    /** Whether this JRaft has what idle groups need as well; without it idle groups heartbeat like busy ones. */
    static final boolean IDLE_AVAILABLE;

    static {
        Field group = null;
        Field common = null;
        Field heard = null;
        try {
            group = NodeImpl.class.getDeclaredField("replicatorGroup");
            group.setAccessible(true);
            common = ReplicatorGroupImpl.class.getDeclaredField("commonOptions");
            common.setAccessible(true);
            heard = NodeImpl.class.getDeclaredField("lastLeaderTimestamp");
            heard.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("this JRaft does not keep a node's replicator options or its last contact with the leader "
                    + "where 1.4.1 does ({}); quiet groups are off", e.toString());
            group = null;
            common = null;
            heard = null;
        }
        REPLICATOR_GROUP = group;
        COMMON_OPTIONS = common;
        LAST_LEADER_TIMESTAMP = heard;
        AVAILABLE = heard != null;
        Field options = null;
        Field timer = null;
        Method start = null;
        Field stepDown = null;
        try {
            options = Replicator.class.getDeclaredField("options");
            options.setAccessible(true);
            timer = Replicator.class.getDeclaredField("heartbeatTimer");
            timer.setAccessible(true);
            start = Replicator.class.getDeclaredMethod("startHeartbeatTimer", long.class);
            start.setAccessible(true);
            stepDown = NodeImpl.class.getDeclaredField("stepDownTimer");
            stepDown.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("this JRaft does not keep a replicator's options and heartbeat timer or a node's step-down timer "
                    + "where 1.4.1 does ({}); idle groups heartbeat like busy ones", e.toString());
            options = null;
            timer = null;
            start = null;
            stepDown = null;
        }
        REPLICATOR_OPTIONS = options;
        HEARTBEAT_TIMER = timer;
        START_HEARTBEAT_TIMER = start;
        STEP_DOWN_TIMER = stepDown;
        IDLE_AVAILABLE = AVAILABLE && stepDown != null;
    }

    private NodeInternals() {
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
     * Makes {@code node}'s replicators, the running ones and future ones, heartbeat every {@code periodMs}. With
     * {@code now}, a running replicator whose heartbeat is armed for later than {@code periodMs} from now is armed
     * again to heartbeat {@code periodMs} from now. False if it could not (not a leader's node, or another JRaft).
     */
    static boolean setReplicatorHeartbeat(Node node, int periodMs, boolean now) {
        if (!IDLE_AVAILABLE || !setHeartbeat(node, periodMs)) {
            return false;
        }
        try {
            Object group = REPLICATOR_GROUP.get(node);
            if (!(group instanceof ReplicatorGroupImpl replicators)) {
                return false;
            }
            for (ThreadId id : replicators.listReplicators()) {
                Object r = id.lock();
                if (r == null) {
                    continue; // destroyed meanwhile
                }
                try {
                    ((ReplicatorOptions) REPLICATOR_OPTIONS.get(r)).setDynamicHeartBeatTimeoutMs(periodMs);
                    if (now) {
                        ScheduledFuture<?> armed = (ScheduledFuture<?>) HEARTBEAT_TIMER.get(r);
                        if (armed != null && armed.getDelay(TimeUnit.MILLISECONDS) > periodMs
                                && armed.cancel(false)) {
                            START_HEARTBEAT_TIMER.invoke(r, Utils.nowMs());
                        }
                    }
                } finally {
                    id.unlock();
                }
            }
            return true;
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            LOG.warn("cannot set the replicators' heartbeat of {}: {}", node.getNodeId(), e.toString());
            return false;
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

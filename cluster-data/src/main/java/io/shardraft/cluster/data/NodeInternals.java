package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.ReplicatorGroupImpl;
import com.alipay.sofa.jraft.option.ReplicatorOptions;
import com.alipay.sofa.jraft.util.Utils;
import java.lang.reflect.Field;
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
 */
final class NodeInternals {
    private static final Logger LOG = LogManager.getLogger(NodeInternals.class);
    private static final Field REPLICATOR_GROUP;
    private static final Field COMMON_OPTIONS;
    private static final Field LAST_LEADER_TIMESTAMP;
    /** Whether this JRaft has the fields; without them quiet groups are off. */
    static final boolean AVAILABLE;

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

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.ReplicatorGroupImpl;
import com.alipay.sofa.jraft.option.ReplicatorOptions;
import java.lang.reflect.Field;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Sets the heartbeat period of the replicators a JRaft node will start when it leads.
 *
 * <p>JRaft derives the period from the election timeout once, when the node initialises (electionTimeout /
 * electionHeartbeatFactor), and every replicator copies it from the replicator group's common options when it
 * starts. {@code Node.resetElectionTimeoutMs} does not change it: in 1.4.1 {@code ReplicatorGroupImpl
 * .resetHeartbeatInterval} stores the new value in a field that {@code addReplicator} never reads. Quiet groups
 * ({@link ElectionPacer}) need a heartbeat that is independent of the election timeout, so this writes the common
 * options' value right after init, before the node can have started a replicator (a group with peers first has to
 * win an election, which takes at least one election timeout).
 *
 * <p>The fields are JRaft internals; if they are missing (another JRaft version), {@link #set} says so once and
 * returns false, and the node keeps JRaft's own period.
 */
final class LeaderHeartbeat {
    private static final Logger LOG = LogManager.getLogger(LeaderHeartbeat.class);
    private static final Field REPLICATOR_GROUP;
    private static final Field COMMON_OPTIONS;

    static {
        Field group = null;
        Field common = null;
        try {
            group = NodeImpl.class.getDeclaredField("replicatorGroup");
            group.setAccessible(true);
            common = ReplicatorGroupImpl.class.getDeclaredField("commonOptions");
            common.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("this JRaft has no replicator group options where 1.4.1 keeps them ({}); leaders heartbeat at "
                    + "JRaft's own period (electionTimeout / electionHeartbeatFactor)", e.toString());
            group = null;
            common = null;
        }
        REPLICATOR_GROUP = group;
        COMMON_OPTIONS = common;
    }

    private LeaderHeartbeat() {
    }

    /** Makes {@code node}'s future replicators heartbeat every {@code periodMs}; false if it could not. */
    static boolean set(Node node, int periodMs) {
        if (COMMON_OPTIONS == null || !(node instanceof NodeImpl)) {
            return false;
        }
        try {
            Object group = REPLICATOR_GROUP.get(node);
            if (!(group instanceof ReplicatorGroupImpl)) {
                return false;
            }
            ((ReplicatorOptions) COMMON_OPTIONS.get(group)).setDynamicHeartBeatTimeoutMs(periodMs);
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.warn("cannot set the heartbeat period of {}: {}", node.getNodeId(), e.toString());
            return false;
        }
    }

    /** The period {@code node}'s future replicators heartbeat at, or -1 if unknown. */
    static int get(Node node) {
        if (COMMON_OPTIONS == null || !(node instanceof NodeImpl)) {
            return -1;
        }
        try {
            Object group = REPLICATOR_GROUP.get(node);
            return group instanceof ReplicatorGroupImpl
                    ? ((ReplicatorOptions) COMMON_OPTIONS.get(group)).getDynamicHeartBeatTimeoutMs() : -1;
        } catch (IllegalAccessException | RuntimeException e) {
            return -1;
        }
    }
}

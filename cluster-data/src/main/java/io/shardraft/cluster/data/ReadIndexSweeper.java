package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.ReadOnlyServiceImpl;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One thread per node, instead of one per group, for JRaft's ReadIndex safety net (DESIGN rule 2: per-group cost).
 *
 * <p>A STRONG read waits in its group's {@code ReadOnlyServiceImpl} until the state machine has applied the read
 * index; the apply itself wakes it. In case that notification is missed, JRaft 1.4.1 gives every group a scheduled
 * executor of its own ("ReadOnlyService-PendingNotify-Scanner") that checks again every {@code maxElectionDelayMs}
 * (1 s). At 900 groups per node those threads were one in six of the node's threads and 10 to 22 % of a core while
 * the node was idle, measured with per-thread CPU: 900 thread wake-ups a second to find nothing pending.
 *
 * <p>{@link #add} stops a group's own scanner right after its node starts and has this one thread make the same check
 * for every group at the same period ({@code onApplied} with the group's applied index, which returns at once when
 * nothing waits). {@link #remove} is called before the group shuts down. The thread runs only while a group is
 * registered. On a JRaft without the fields (another version) a group keeps its own scanner, said once in the log.
 */
final class ReadIndexSweeper {
    private static final Logger LOG = LogManager.getLogger(ReadIndexSweeper.class);
    private static final Field READ_ONLY_SERVICE;
    private static final Field SCANNER;
    /** JRaft's period for the check: {@code RaftOptions.maxElectionDelayMs}, 1 s by default. */
    static final long PERIOD_MS = new RaftOptions().getMaxElectionDelayMs();

    /** The members that let one thread take over every group's scanner. */
    private record ScannerMembers(Field service, Field scanner) {
        static final ScannerMembers NONE = new ScannerMembers(null, null);
    }

    static {
        ScannerMembers members = NodeInternals.lookUp("a group's ReadIndex scanner",
                "every group keeps its own scanner thread", ScannerMembers.NONE,
                () -> new ScannerMembers(NodeInternals.field(NodeImpl.class, "readOnlyService"),
                        NodeInternals.field(ReadOnlyServiceImpl.class, "scheduledExecutorService")));
        READ_ONLY_SERVICE = members.service();
        SCANNER = members.scanner();
    }

    private final Map<Node, ReadOnlyServiceImpl> groups = new ConcurrentHashMap<>();
    private ScheduledExecutorService ticker;

    /** Takes over {@code node}'s ReadIndex check (stopping its own scanner); false if this JRaft does not allow it. */
    synchronized boolean add(Node node) {
        ReadOnlyServiceImpl service = serviceOf(node);
        if (service == null) {
            return false;
        }
        try {
            ((ExecutorService) SCANNER.get(service)).shutdownNow();
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.warn("cannot stop the ReadIndex scanner of {}; it keeps its own: {}", node.getNodeId(), e.toString());
            return false;
        }
        groups.put(node, service);
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                    .setNameFormat("shardraft-read-sweep-%d").setDaemon(true).build());
            ticker.scheduleAtFixedRate(this::sweep, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /** Stops checking {@code node}; the last group's removal stops the thread. */
    synchronized void remove(Node node) {
        if (groups.remove(node) != null && groups.isEmpty() && ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    synchronized int groups() {
        return groups.size();
    }

    synchronized boolean running() {
        return ticker != null;
    }

    private void sweep() {
        groups.forEach((node, service) -> {
            try {
                service.onApplied(node.getLastAppliedLogIndex());
            } catch (RuntimeException e) {
                LOG.warn("ReadIndex check of {} failed", node.getNodeId(), e);
            }
        });
    }

    private static ReadOnlyServiceImpl serviceOf(Node node) {
        if (READ_ONLY_SERVICE == null || !(node instanceof NodeImpl)) {
            return null;
        }
        try {
            return READ_ONLY_SERVICE.get(node) instanceof ReadOnlyServiceImpl s ? s : null;
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }
}

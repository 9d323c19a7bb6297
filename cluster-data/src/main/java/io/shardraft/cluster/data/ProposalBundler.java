package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import com.google.common.base.Preconditions;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandBundle;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.spi.SingleObjectWrite;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A shard leader's bundling of concurrent single-object writes ({@link SingleObjectWrite}: PUT, MERGE, DELETE) into
 * fewer Raft log entries. Each log entry costs the leader and every follower a fixed amount of work (log append and
 * encoding, replication bookkeeping, a state-machine round) whatever it carries: on the reference host about a sixth
 * of a put's CPU on the nodes at 64 clients. So at most {@code window} entries of these writes are in flight
 * (proposed, not yet applied on the leader); writes that arrive meanwhile wait in a queue, and the next entry carries
 * all of them (up to {@link #MAX_COMMANDS} and the command size limit) as one {@code CommandBundle}. A lone writer
 * never waits: with the window free its write is proposed at once, as a plain command.
 *
 * <p>Two writes to the same object id never share an entry: they would get the same version, and a conditional
 * write on it could not tell them apart. The bundler has no thread of its own: a proposing caller, or the
 * state-machine thread finishing an entry, proposes the next one (one at a time, never blocking: JRaft's apply is
 * a queue hand-off).
 */
final class ProposalBundler {
    /** The most writes in one bundle. */
    static final int MAX_COMMANDS = 128;
    /** Protobuf framing a bundle adds per member (tag and length) and once around it, at most. */
    private static final int FRAMING_BYTES = 6;

    private final int window;
    private final int maxBytes;
    private final String description;
    private final Supplier<Node> node;
    private final Supplier<ReplicationException> notLeader;
    private final ConcurrentLinkedQueue<ApplyClosure> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean proposing = new AtomicBoolean();
    private final AtomicLong bundles = new AtomicLong();
    private final AtomicLong bundledWrites = new AtomicLong();

    /**
     * @param node      the group's running JRaft node, or null once it stopped
     * @param notLeader the error for writes that were never proposed because this replica is no longer the leader
     */
    ProposalBundler(int window, int maxBytes, String description, Supplier<Node> node,
            Supplier<ReplicationException> notLeader) {
        Preconditions.checkArgument(window >= 1, "window must be at least 1, got %s", window);
        this.window = window;
        this.maxBytes = maxBytes;
        this.description = description;
        this.node = node;
        this.notLeader = notLeader;
    }

    /** Queues a stamped single-object write; it is proposed as soon as the window allows. */
    void submit(ApplyClosure write) {
        queue.add(write);
        proposeWhatWaits();
    }

    /** An entry left the window (applied on the leader, or failed). */
    void entryDone() {
        inFlight.decrementAndGet();
        proposeWhatWaits();
    }

    /** Entries proposed with more than one write in them. */
    long bundles() {
        return bundles.get();
    }

    /** Writes proposed inside those bundles. */
    long bundledWrites() {
        return bundledWrites.get();
    }

    /** Fails what still waits (the group stopped): none of it was proposed. */
    void close() {
        failQueued(ReplicationException.unavailableNotApplied(description + " stopped before the write was proposed"));
    }

    private void proposeWhatWaits() {
        // One proposer at a time; whoever adds work or frees the window while another proposes is covered by the
        // proposer's re-check after it lets go.
        while (!queue.isEmpty() && inFlight.get() < window && proposing.compareAndSet(false, true)) {
            try {
                while (!queue.isEmpty() && inFlight.get() < window) {
                    proposeOne();
                }
            } finally {
                proposing.set(false);
            }
        }
    }

    private void proposeOne() {
        Node n = node.get();
        if (n == null) {
            close();
            return;
        }
        // not the locking check: this may run on the state-machine thread, which must never wait on the node's lock
        if (!n.isLeader(false)) {
            failQueued(notLeader.get());
            return;
        }
        List<ApplyClosure> members = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long bytes = FRAMING_BYTES;
        for (ApplyClosure next; members.size() < MAX_COMMANDS && (next = queue.peek()) != null; ) {
            int size = next.command().getSerializedSize() + FRAMING_BYTES;
            String id = SingleObjectWrite.objectId(next.command());
            if (!members.isEmpty() && (bytes + size > maxBytes || ids.contains(id))) {
                break;
            }
            queue.poll();
            members.add(next);
            ids.add(id);
            bytes += size;
        }
        BundledEntry entry = new BundledEntry(members, this);
        Command data = members.size() == 1 ? members.get(0).command()
                : Command.newBuilder().setBundle(CommandBundle.newBuilder()
                        .addAllCommands(members.stream().map(ApplyClosure::command).toList())).build();
        if (members.size() > 1) {
            bundles.incrementAndGet();
            bundledWrites.addAndGet(members.size());
        }
        inFlight.incrementAndGet();
        n.apply(new Task(ByteBuffer.wrap(data.toByteArray()), entry));
    }

    private void failQueued(ReplicationException e) {
        for (ApplyClosure c; (c = queue.poll()) != null; ) {
            c.fail(e);
        }
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftServiceFactory;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.ApplyTaskMode;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.option.ReadOnlyOption;
import com.alipay.sofa.jraft.storage.SnapshotThrottle;
import com.alipay.sofa.jraft.util.Utils;
import com.google.common.base.Preconditions;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import io.shardraft.cluster.log.SharedLogStore;
import io.shardraft.cluster.spi.HostShard;
import io.shardraft.cluster.spi.SingleObjectWrite;
import io.shardraft.cluster.spi.SubmittedCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One shard replica on this node: the lifecycle of its JRaft node ("shard_raft_store" in the origin
 * plan), proposals, leadership queries and read barriers. The node's JRaft RPC server is shared with
 * every other group (the {@link Registry} owns it); this store only creates and shuts down its node.
 */
public final class ShardStore implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger("shard_raft_store");
    private static final byte[] NO_CONTEXT = new byte[0];
    static final int RPC_PROCESSOR_THREADS = 2;
    static final int DISRUPTOR_SLOTS = 1024;
    /** How long a group's idle log thread sleeps before it wakes to find nothing to do: see {@link #nodeOptions}. */
    static final int LOG_QUEUE_IDLE_WAKE_SECS = 600;
    /** How long a stop waits for JRaft's join (see {@link #joinBounded}). */
    static final long JOIN_TIMEOUT_MS = 60_000;

    private final ShardStoreConfig config;
    /** The node's shared Raft log store; null: this group keeps its own RocksDB log under raft/log. */
    private final SharedLogStore sharedLog;
    /** The node's install-snapshot throttle, shared by all its groups; null: unlimited. */
    private final SnapshotThrottle snapshotThrottle;
    private final Clock clock;
    private final String description;
    private final DiskSpaceGuard disk;
    /** The node's replicas that withhold their votes; this one while it catches up after {@link PeerRestore}. */
    private final VoteGuard votes;
    private final AppendEntriesPipelines pipelines;
    private final ReadIndexSweeper readSweeper;
    /** Sets this replica's election timeout from the node's liveness view (quiet groups), or does nothing. */
    private final ElectionPacer pacer;
    private HostShard shard;
    private volatile ShardStateMachine fsm;
    private volatile Node node;
    private volatile boolean stopped;
    /** Null: every write its own entry (bundling off, or the host shard does not apply bundles). */
    private volatile ProposalBundler bundler;

    /** A replica alone on its node: a RocksDB log of its own and a throttle of its own. */
    public ShardStore(ShardStoreConfig config) {
        this(config, NodeResources.of(config.settings(), null));
    }

    /** A replica using its node's shared resources (log store, install-snapshot throttle). */
    public ShardStore(ShardStoreConfig config, NodeResources node) {
        this(config, node, Clock.systemUTC());
    }

    ShardStore(ShardStoreConfig config, NodeResources node, Clock clock) {
        this.config = Preconditions.checkNotNull(config, "config");
        this.sharedLog = node.sharedLog();
        this.snapshotThrottle = node.snapshotThrottle();
        this.votes = node.voteGuard();
        this.pacer = node.pacer();
        this.pipelines = node.pipelines();
        this.readSweeper = node.readSweeper();
        this.clock = clock;
        this.description = "index '" + config.index() + "' shard '" + config.shard() + "'";
        this.disk = new DiskSpaceGuard(config.nodeId(), config.dataPath(), config.settings().minFreeDiskBytes());
    }

    public ShardStoreConfig config() {
        return config;
    }

    /** Sets the host shard this group replicates; required before {@link #start()}. */
    public synchronized void setShard(HostShard shard) {
        Preconditions.checkState(node == null, "setShard after start of %s", description);
        this.shard = Preconditions.checkNotNull(shard, "shard");
    }

    /** The host shard (for reads); empty before {@link #setShard}. */
    public Optional<HostShard> shard() {
        return Optional.ofNullable(shard);
    }

    /** Starts the JRaft node of this replica. The Registry's RPC server must be running. */
    public synchronized void start() {
        Preconditions.checkState(!stopped, "%s was stopped; create a new store", description);
        if (node != null) {
            return;
        }
        Preconditions.checkState(shard != null, "no host shard set for %s", description);
        if (config.settings().bundleWindow() > 0 && shard.appliesBundles()) {
            bundler = new ProposalBundler(config.settings().bundleWindow(), config.settings().maxCommandBytes(),
                    description, this::raftNode, () -> ReplicationException.notLeader(description, leaderId()));
        }
        Path logDir = config.raftDir().resolve("log");
        try {
            if (sharedLog == null) {
                Files.createDirectories(logDir);
            } else if (Files.isDirectory(logDir)) {
                // Written in per-group mode: starting on an empty shared log would forget acknowledged entries.
                throw new ReplicationException(Reason.INTERNAL, description + " on node " + config.nodeId()
                        + " keeps its Raft log in " + logDir + "; start the node with raft.log-store=per-group");
            }
            if (sharedLog == null) {
                Files.createDirectories(metaDir());
            }
            Files.createDirectories(config.raftDir().resolve("snapshot"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Raft directories of " + description + " under "
                    + config.raftDir(), e);
        }
        if (sharedLog == null) {
            RaftMetaCheck.verify(metaDir(), description, config.nodeId());
        } else {
            SharedMetaCheck.verifyOrMigrate(sharedLog, config, metaDir(), description);
        }
        String self = peerOf(config.nodeId()).toString();
        // A restore from the peers that had not caught up when the replica stopped: still no votes.
        try {
            VoteGuardMarker.read(config.raftDir()).ifPresent(index ->
                    votes.guard(config.groupId(), self, index, config.raftDir(), description));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the vote guard of " + description + " in " + config.raftDir(), e);
        }
        ShardStateMachine machine = newMachine();
        try {
            this.node = initNode(machine, logDir);
        } catch (RuntimeException e) {
            if (machine.loadFailure() == null || config.members().size() < 2) {
                votes.release(config.groupId(), self);
                throw startFailure(machine, e);
            }
            if (!votes.enforced()) {
                // Without a vote guard on the RPC server the emptied log would vote for any candidate.
                votes.release(config.groupId(), self);
                throw startFailure(machine, new IllegalStateException("its peers could restore it, but this node's"
                        + " Raft RPC server does not withhold the votes of a replica restored from its peers"));
            }
            // The snapshot cannot be loaded and the host's own state is behind it (lost, or set aside as
            // corrupt by the host): nothing on this node can restore the replica, its peers can. It votes
            // again only once it has applied the index it had before (VoteGuard).
            long before = PeerRestore.setAside(config, sharedLog, logDir, machine.loadFailure(), clock.millis());
            votes.guard(config.groupId(), self, before, config.raftDir(), description);
            machine = newMachine();
            try {
                this.node = initNode(machine, logDir);
            } catch (RuntimeException again) {
                votes.release(config.groupId(), self);
                throw startFailure(machine, again);
            }
        }
        ShardStateMachine running = machine;
        Node started = this.node;
        long guardedUntil = votes.guardedIndex(config.groupId(), self);
        if (guardedUntil >= 0 && votes.liftIfCaughtUp(config.groupId(), self, started.getLastAppliedLogIndex())) {
            // an installed snapshot or applied commands reaching the index lift it (a configuration entry at
            // the index is caught by the vote processor, which checks JRaft's applied index)
            running.waiters().await(guardedUntil).whenComplete((applied, failed) -> {
                if (failed == null) {
                    votes.liftIfCaughtUp(config.groupId(), self, Math.max(applied, started.getLastAppliedLogIndex()));
                }
            });
        }
        // Not on the state-machine thread that fires the trigger: JRaft queues the save on that thread's
        // own queue, which must not be waited on from inside it.
        running.onSnapshotWanted(() -> Utils.runInThread(() -> started.snapshot(status -> {
            if (!status.isOk()) {
                running.trigger().requestFailed();
                LOG.debug("[{}] requested snapshot not taken: {}", config.groupId(), status);
            }
        })));
        this.fsm = running;
        LOG.info("started Raft group {} on node {} with members {}", config.groupId(), config.nodeId(),
                config.members());
    }

    private ShardStateMachine newMachine() {
        return new ShardStateMachine(config.groupId(), shard, SnapshotTrigger.of(config.settings()),
                new SnapshotHistory(config.raftDir(), config.settings().snapshotsKept()));
    }

    /** Creates and initialises the JRaft node; one that fails to initialise is shut down (no threads left). */
    private Node initNode(ShardStateMachine machine, Path logDir) {
        Node n = RaftServiceFactory.createRaftNode(config.groupId(), peerOf(config.nodeId()));
        if (n.init(nodeOptions(machine, logDir))) {
            pacer.add(this, n);
            readSweeper.add(n);
            return n;
        }
        shutDown(n);
        throw new IllegalStateException("JRaft could not initialise the node of group " + config.groupId());
    }

    private ReplicationException startFailure(ShardStateMachine machine, RuntimeException e) {
        // a snapshot that failed to load (named by the state machine) is the usual cause worth telling
        String why = machine.loadFailure() != null ? machine.loadFailure() : e.getMessage()
                + " (its log is at " + config.raftDir().resolve("log") + ", its snapshots at "
                + config.raftDir().resolve("snapshot") + "; the node log says which failed)";
        return new ReplicationException(Reason.INTERNAL, "cannot start the Raft group of " + description
                + " on node " + config.nodeId() + ": " + why, null, e);
    }

    private Path metaDir() {
        return config.raftDir().resolve("meta");
    }

    private NodeOptions nodeOptions(ShardStateMachine machine, Path logDir) {
        RaftSettings s = config.settings();
        NodeOptions opts = new NodeOptions();
        opts.setFsm(machine);
        opts.setInitialConf(new Configuration(peers()));
        opts.setElectionTimeoutMs((int) s.electionTimeout().toMillis());
        opts.setLeaderLeaseTimeRatio(s.leaderLeaseTimeRatio());
        opts.setSnapshotIntervalSecs((int) s.snapshotInterval().toSeconds());
        opts.setSnapshotLogIndexMargin((int) s.snapshotThreshold());
        // A lagging replica's catch-up must not starve live traffic on either side of the copy: one budget per
        // node for every group's install-snapshot (the leader's reads and the follower's copies).
        opts.setSnapshotThrottle(snapshotThrottle);
        // a file the follower already holds with the same checksum (see FileChecksum) is not sent again
        opts.setFilterBeforeCopyRemote(true);
        opts.setLogUri(logDir.toString());
        if (sharedLog != null) {
            opts.setServiceFactory(sharedLog.serviceFactory(config.groupId()));
        }
        // with the shared log store the meta is there too (SharedLogServiceFactory); the URI is unused then
        opts.setRaftMetaUri(metaDir().toString());
        opts.setSnapshotUri(config.raftDir().resolve("snapshot").toString());
        // Thousands of groups per node: share JRaft's timers and timer threads across groups.
        opts.setSharedElectionTimer(true);
        opts.setSharedVoteTimer(true);
        opts.setSharedStepDownTimer(true);
        opts.setSharedSnapshotTimer(true);
        opts.setSharedTimerPool(true);
        // A full apply queue fails fast with EBUSY (-> RESOURCE_EXHAUSTED) instead of blocking the caller.
        opts.setApplyTaskMode(ApplyTaskMode.NonBlocking);
        opts.setEnableMetrics(Boolean.getBoolean("shardraft.jraft-metrics"));
        // Per-group cost (DESIGN rule 2). Every JRaft node has its own RPC client whose response executor
        // keeps rpcProcessorThreadPoolSize / 3 core threads (default 64 / 3 = 21 per group, created as
        // responses arrive); the callbacks it runs are short (replicator bookkeeping). With 2: no core thread, so
        // the executor runs one thread (it grows only when its 10,000-task queue is full) that ends after 60 s
        // without responses, which is every follower replica's case: an idle thread less per such group.
        opts.setRpcProcessorThreadPoolSize(RPC_PROCESSOR_THREADS);
        RaftOptions raft = new RaftOptions();
        // Each group has four disruptors (proposals, log, state machine, read index) whose ring buffers are
        // preallocated: 16384 slots each by default, about 2 MB of heap per group before it does anything.
        // 1024 slots still hold far more proposals than a group batches at once; a full queue is EBUSY,
        // which callers get as RESOURCE_EXHAUSTED (DESIGN rule 7), never a hang.
        raft.setDisruptorBufferSize(DISRUPTOR_SLOTS);
        // The log manager's queue (alone of the four) waits with a timeout, 10 s by default, and its handler has
        // nothing to do on one: each group's log thread woke every 10 s for nothing, 300 wake-ups a second at 3,000
        // groups per node. A write wakes it at once whatever the timeout (the queue signals its waiters).
        raft.setDisruptorPublishEventWaitTimeoutSecs(LOG_QUEUE_IDLE_WAKE_SECS);
        raft.setElectionHeartbeatFactor(s.electionHeartbeatFactor());
        raft.setReadOnlyOptions(ReadOnlyOption.ReadOnlySafe);
        raft.setSync(true);
        raft.setSyncMeta(true);
        opts.setRaftOptions(raft);
        return opts;
    }

    private List<PeerId> peers() {
        List<PeerId> peers = new ArrayList<>();
        for (String m : config.members()) {
            peers.add(peerOf(m));
        }
        return peers;
    }

    private PeerId peerOf(String nodeId) {
        NodeAddress a = config.addressResolver().resolve(nodeId).orElseThrow(() ->
                ReplicationException.unavailable("node " + nodeId + " has no address"));
        return new PeerId(a.host(), a.raftPort());
    }

    /**
     * Stops the JRaft node (shutdown, then join, so no thread touches the directories afterwards) and
     * closes the host shard. The data stays on disk (this is "unload").
     */
    public void stop() {
        Node n;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            n = node;
        }
        pacer.remove(this);
        if (n != null) {
            shutDown(n);
        }
        votes.release(config.groupId(), peerOf(config.nodeId()).toString());
        ProposalBundler b = bundler;
        if (b != null) {
            b.close();
        }
        ShardStateMachine m = fsm;
        if (m != null) {
            m.waiters().failAll(ReplicationException.unavailable(description + " stopped on node " + config.nodeId()));
        }
        if (shard != null) {
            shard.close();
        }
        LOG.info("stopped Raft group {} on node {}", config.groupId(), config.nodeId());
    }

    /**
     * Shuts the JRaft node down (off the node's ReadIndex sweep first) and waits for it (bounded), then drops what
     * the node's RPC server keeps for it (its AppendEntries contexts, {@link AppendEntriesPipelines}).
     */
    private void shutDown(Node n) {
        readSweeper.remove(n);
        n.shutdown();
        joinBounded(n);
        pipelines.release(config.groupId());
    }

    /**
     * JRaft's join waits, among others, for the group's running snapshot jobs. In 1.4.1 an install-snapshot whose load
     * outlasted the leader's retry answers the RPC twice; the second answer throws inside
     * {@code SnapshotExecutorImpl.onSnapshotLoadDone} before the job is counted down, and join then never returns
     * (seen with 1,000,000 objects: a node's shutdown hung). So the join runs on its own daemon thread and the stop
     * goes on after {@link #JOIN_TIMEOUT_MS}.
     */
    private void joinBounded(Node n) {
        Thread joiner = new Thread(() -> {
            try {
                n.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "raft-join-" + config.groupId());
        joiner.setDaemon(true);
        joiner.start();
        try {
            joiner.join(JOIN_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while joining Raft group {}", config.groupId());
            return;
        }
        if (joiner.isAlive()) {
            LOG.error("Raft group {} on node {} did not finish stopping within {} s (JRaft's join still waits, e.g. on "
                    + "a snapshot job); going on with the stop", config.groupId(), config.nodeId(), JOIN_TIMEOUT_MS / 1000);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Whether this replica withholds its votes and pre-votes: it was restored from its peers (its log emptied)
     * and has not yet applied again the last log index it had before.
     */
    public boolean votesWithheld() {
        return votes.isGuarded(config.groupId(), peerOf(config.nodeId()).toString());
    }

    public boolean isStopped() {
        return stopped;
    }

    private Node running() {
        Node n = node;
        if (n == null || stopped) {
            throw ReplicationException.unavailableNotApplied(description + " is not running on node "
                    + config.nodeId());
        }
        return n;
    }

    /**
     * Proposes a command. Completes with the host's result once the entry is committed and applied on
     * this replica, or fails with NOT_LEADER (nothing proposed), INVALID_ARGUMENT (too large),
     * RESOURCE_EXHAUSTED (queue full), UNAVAILABLE (leadership lost after proposing: outcome unknown)
     * or DEADLINE_EXCEEDED (outcome unknown).
     */
    public CompletableFuture<CommandResult> apply(Command command) {
        return propose(command, false);
    }

    /**
     * Proposes a command that another node submitted (the ShardReplicationService), as {@link #apply} does, after
     * the host shard admitted it ({@link HostShard#admit}): its {@code admitted} mark is never taken from the
     * caller, and a command the host refuses fails with INVALID_ARGUMENT, nothing proposed.
     */
    public CompletableFuture<CommandResult> applyFromPeer(Command command) {
        return propose(command, true);
    }

    private CompletableFuture<CommandResult> propose(Command command, boolean fromPeer) {
        try {
            Node n = running();
            SubmittedCommand.check(command, description);
            if (!n.isLeader()) {
                throw ReplicationException.notLeader(description, leaderId());
            }
            disk.check(command);
            Command.Builder admitted = fromPeer ? admit(command).toBuilder() : command.toBuilder();
            // The leader picks the time once; every replica applies the same value.
            Command stamped = admitted.setProposedAtMillis(clock.millis()).build();
            int size = stamped.getSerializedSize();
            if (size > config.settings().maxCommandBytes()) {
                throw ReplicationException.invalid("command of " + size + " bytes for " + description
                        + " exceeds the limit of " + config.settings().maxCommandBytes() + " bytes");
            }
            ApplyClosure done = new ApplyClosure(stamped, this);
            ProposalBundler b = bundler;
            if (b != null && SingleObjectWrite.is(stamped)) {
                b.submit(done);
            } else {
                n.apply(new Task(ByteBuffer.wrap(stamped.toByteArray()), done));
            }
            long timeoutMs = config.settings().applyTimeout().toMillis();
            return done.future().orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                            e instanceof TimeoutException ? new ReplicationException(Reason.DEADLINE_EXCEEDED,
                                    "no outcome for the write to " + description + " within " + timeoutMs
                                            + " ms; it may or may not have been applied") : e));
        } catch (ReplicationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Command admit(Command command) {
        try {
            return shard.admit(command.getAdmitted() ? command.toBuilder().clearAdmitted().build() : command);
        } catch (IllegalArgumentException e) {
            throw ReplicationException.invalid(e.getMessage());
        }
    }

    /** Takes a snapshot of this replica now (host state made durable, then the log truncated behind it). */
    public CompletableFuture<Void> snapshot() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            running().snapshot(status -> {
                if (status.isOk()) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(new ReplicationException(Reason.INTERNAL, "snapshot of " + description
                            + " on node " + config.nodeId() + " failed: " + status));
                }
            });
        } catch (ReplicationException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Log entries this replica, as leader, proposed with more than one write bundled in them; 0 with bundling off. */
    public long bundledEntries() {
        ProposalBundler b = bundler;
        return b == null ? 0 : b.bundles();
    }

    /** The writes in those entries. */
    public long bundledWrites() {
        ProposalBundler b = bundler;
        return b == null ? 0 : b.bundledWrites();
    }

    /** The replica's JRaft node while it runs; null before start and once stopped. */
    Node raftNode() {
        Node n = node;
        return stopped ? null : n;
    }

    public boolean isLeader() {
        Node n = node;
        return n != null && !stopped && n.isLeader();
    }

    /** The leader's raft endpoint ({@code host:port}), if one is known. */
    public Optional<String> leader() {
        Node n = node;
        if (n == null || stopped) {
            return Optional.empty();
        }
        PeerId id = n.getLeaderId();
        return id == null || id.isEmpty() ? Optional.empty() : Optional.of(id.getEndpoint().toString());
    }

    /** The leader's node id, if one is known. */
    public Optional<String> leaderId() {
        return leader().flatMap(ep -> config.addressResolver().nodeIdForRaftEndpoint(ep));
    }

    /** The leader's address (raft and gRPC ports), if one is known. */
    public Optional<NodeAddress> leaderAddress() {
        return leaderId().flatMap(id -> config.addressResolver().resolve(id));
    }

    /**
     * Confirms this replica is still the leader with a quorum (ReadIndex, ReadOnlySafe) and that it has
     * applied everything committed before the call. Completes with the read index.
     */
    public CompletableFuture<Long> verifyLeader(Duration timeout) {
        if (!isLeader()) {
            return CompletableFuture.failedFuture(ReplicationException.notLeader(description, leaderId()));
        }
        return readIndex(timeout);
    }

    /**
     * A linearizable read barrier on any replica: completes once this replica has applied everything
     * the leader had committed when the call was made (JRaft ReadIndex; a follower asks its leader).
     */
    public CompletableFuture<Long> readIndex(Duration timeout) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        Node n;
        try {
            n = running();
        } catch (ReplicationException e) {
            return CompletableFuture.failedFuture(e);
        }
        n.readIndex(ReadOnlyOption.ReadOnlySafe, NO_CONTEXT, new ReadIndexClosure(timeout.toMillis()) {
            @Override
            public void run(Status status, long index, byte[] reqCtx) {
                if (status.isOk()) {
                    f.complete(index);
                } else {
                    f.completeExceptionally(statusToException(status, false));
                }
            }
        });
        // JRaft runs the closure only once its state machine has applied the read index (configuration
        // entries included, which never reach onApply), so the replica is fresh enough here.
        return f;
    }

    public ShardRole state() {
        Node n = node;
        if (n == null || stopped) {
            return ShardRole.STOPPED;
        }
        return ShardRole.of(n.getNodeState());
    }

    public long lastAppliedIndex() {
        ShardStateMachine m = fsm;
        return m == null ? 0 : m.lastAppliedIndex();
    }

    /**
     * Completes once this replica has applied at least {@code index}. Meant for indexes of commands (as
     * {@link #lastAppliedIndex()} reports them); JRaft's own configuration entries are not waited for.
     */
    public CompletableFuture<Long> waitForAppliedIndex(long index, Duration timeout) {
        ShardStateMachine m = fsm;
        if (m == null || stopped) {
            return CompletableFuture.failedFuture(
                    ReplicationException.unavailable(description + " is not running on node " + config.nodeId()));
        }
        Node n = node;
        if (n != null && n.getLastAppliedLogIndex() >= index) {
            return CompletableFuture.completedFuture(Math.max(index, m.lastAppliedIndex()));
        }
        CompletableFuture<Long> waiting = m.waiters().await(index);
        if (waiting.isDone()) {
            return waiting;
        }
        return waiting.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            m.waiters().purgeDone();
            return CompletableFuture.failedFuture(e instanceof TimeoutException
                    ? ReplicationException.unavailable("replica of " + description + " on node " + config.nodeId()
                            + " did not apply index " + index + " within " + timeout.toMillis() + " ms (applied "
                            + m.lastAppliedIndex() + ")")
                    : e);
        });
    }

    public ShardStats stats() {
        Node n = node;
        ShardStateMachine m = fsm;
        if (n == null || stopped) {
            return new ShardStats(config.index(), config.shard(), config.nodeId(), ShardRole.STOPPED,
                    Optional.empty(), -1, 0, lastAppliedIndex(), 0);
        }
        return new ShardStats(config.index(), config.shard(), config.nodeId(), ShardRole.of(n.getNodeState()),
                leaderId(), m == null ? -1 : m.term(), n.getLastCommittedIndex(), lastAppliedIndex(),
                n.getLastLogIndex());
    }

    /** Maps a JRaft failure status to the error callers see. */
    ReplicationException statusToException(Status status, boolean proposed) {
        String msg = description + " on node " + config.nodeId() + ": " + status.getErrorMsg();
        if (!proposed) {
            // A failed read barrier changed nothing: the leader is gone, unconfirmed, or unreachable.
            return status.getRaftError() == RaftError.EPERM
                    ? ReplicationException.notLeader(description, leaderId())
                    : ReplicationException.unavailable("cannot confirm the leader of " + msg
                            + " (" + status.getRaftError() + ")");
        }
        if (status.getRaftError() == RaftError.EBUSY && stopped) {
            // JRaft's log manager refuses appends as "busy" once the node shuts down: nothing was appended
            return ReplicationException.unavailableNotApplied(description + " stopped on node " + config.nodeId()
                    + " before the write was appended");
        }
        return switch (status.getRaftError()) {
            case EBUSY -> new ReplicationException(Reason.RESOURCE_EXHAUSTED,
                    "apply queue of " + description + " is full; retry later (" + status.getErrorMsg() + ")");
            case EPERM -> proposed
                    // Leadership moved after the entry was handed to JRaft: a new leader may still commit it.
                    ? ReplicationException.unavailable("leadership of " + description
                            + " changed while proposing; the write may or may not have been applied ("
                            + status.getErrorMsg() + ")")
                    : ReplicationException.notLeader(description, leaderId());
            case ENODESHUTDOWN, ESHUTDOWN, ESTOP, EHOSTDOWN, ECANCELED, ETIMEDOUT, ERAFTTIMEDOUT, EAGAIN,
                    ELEADERREMOVED, ENEWLEADER, EHIGHERTERMRESPONSE, EHIGHERTERMREQUEST, ESTALE ->
                    ReplicationException.unavailable(msg);
            case EINVAL -> ReplicationException.invalid(msg);
            default -> new ReplicationException(Reason.INTERNAL, msg);
        };
    }

    @Override
    public String toString() {
        return "ShardStore{" + config.groupId() + "@" + config.nodeId() + "}";
    }
}

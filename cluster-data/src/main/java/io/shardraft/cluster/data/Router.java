package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.DeleteBatch;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutBatch;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import io.shardraft.cluster.spi.HostShard;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Routes one index's writes and reads to its shards. A write is applied locally when this replica
 * leads the shard, and otherwise forwarded to the leader's ShardReplicationService with a deadline.
 * A write is retried (with the leader hint, then with backoff, until the retry budget is spent) only when
 * it certainly had no effect: NOT_LEADER before proposing, a group that was not running, a leader that
 * could not be connected to — so a leader change during the call is survived. A write whose outcome is
 * unknown (leadership moved after it was proposed, the connection broke after sending, a deadline) fails
 * with UNAVAILABLE or DEADLINE_EXCEEDED and is never sent twice. Reads retry every NOT_LEADER and
 * UNAVAILABLE.
 */
public final class Router {
    private static final Logger LOG = LogManager.getLogger("router");
    private static final long FORWARD_MARGIN_MS = 500;

    private final IndexRaft raft;
    private final LeaderForwarder forwarder;
    private final ScheduledExecutorService scheduler;
    private final Executor readExecutor;
    private final RaftSettings settings;
    private final AtomicLong localWrites = new AtomicLong();
    private final AtomicLong forwardedWrites = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    /**
     * @param forwarder    client to other nodes' ShardReplicationService; null if this node never forwards
     * @param scheduler    runs retry back-offs
     * @param readExecutor runs read functions, off the Raft threads
     */
    public Router(IndexRaft raft, LeaderForwarder forwarder, ScheduledExecutorService scheduler,
            Executor readExecutor) {
        this.raft = Preconditions.checkNotNull(raft, "raft");
        this.forwarder = forwarder;
        this.scheduler = Preconditions.checkNotNull(scheduler, "scheduler");
        this.readExecutor = Preconditions.checkNotNull(readExecutor, "readExecutor");
        this.settings = raft.config().settings();
    }

    public String index() {
        return raft.index();
    }

    // ---- writes ------------------------------------------------------------------------------------

    public CompletableFuture<CommandResult> putObject(String shard, ObjectData object) {
        return submit(shard, Command.newBuilder().setPut(PutObject.newBuilder().setObject(object)).build());
    }

    public CompletableFuture<CommandResult> mergeObject(String shard, MergeObject merge) {
        return submit(shard, Command.newBuilder().setMerge(merge).build());
    }

    public CompletableFuture<CommandResult> deleteObject(String shard, String id) {
        return submit(shard, Command.newBuilder().setDelete(DeleteObject.newBuilder().setId(id)).build());
    }

    public CompletableFuture<CommandResult> putBatch(String shard, PutBatch batch) {
        return submit(shard, Command.newBuilder().setPutBatch(batch).build());
    }

    public CompletableFuture<CommandResult> deleteBatch(String shard, DeleteBatch batch) {
        return submit(shard, Command.newBuilder().setDeleteBatch(batch).build());
    }

    /** Applies any command to the shard through its leader. Gives it a request id if it has none. */
    public CompletableFuture<CommandResult> submit(String shard, Command command) {
        Command cmd = command.getRequestId().isEmpty()
                ? command.toBuilder().setRequestId(UUID.randomUUID().toString()).build()
                : command;
        // A write is sent again only when it certainly had no effect: one retried after an ambiguous failure
        // could be applied twice, the second time after a later write (the chaos checker caught exactly that).
        return withRetry(hint -> applyOnce(shard, cmd, hint), false, "write to " + raft.index() + "/" + shard);
    }

    private CompletableFuture<CommandResult> applyOnce(String shard, Command cmd, Optional<String> hint) {
        ShardStore store = raft.requireStore(shard);
        if (store.isLeader()) {
            localWrites.incrementAndGet();
            return store.apply(cmd);
        }
        NodeAddress leader = leaderOf(store, hint);
        if (forwarder == null) {
            throw ReplicationException.notLeader("index '" + raft.index() + "' shard '" + shard
                    + "' (this node cannot forward)", store.leaderId());
        }
        forwardedWrites.incrementAndGet();
        return forwarder.apply(leader, raft.index(), shard, cmd,
                settings.applyTimeout().plusMillis(FORWARD_MARGIN_MS));
    }

    private NodeAddress leaderOf(ShardStore store, Optional<String> hint) {
        AddressResolver resolver = raft.config().addressResolver();
        Optional<String> leaderId = hint.filter(h -> !h.equals(raft.config().nodeId())).or(store::leaderId);
        return leaderId.flatMap(resolver::resolve).orElseThrow(() -> ReplicationException.notLeader(
                "index '" + raft.index() + "' shard '" + store.config().shard() + "'", Optional.empty()));
    }

    // ---- reads -------------------------------------------------------------------------------------

    /**
     * Reads this node's replica of the shard at the given consistency, running {@code reader} on the
     * read executor once the replica is fresh enough.
     */
    public <T> CompletableFuture<T> read(String shard, ReadConsistency consistency, Function<HostShard, T> reader) {
        Preconditions.checkNotNull(consistency, "consistency");
        return withRetry(hint -> readOnce(shard, consistency, reader), true,
                consistency + " read of " + raft.index() + "/" + shard);
    }

    private <T> CompletableFuture<T> readOnce(String shard, ReadConsistency consistency, Function<HostShard, T> reader) {
        ShardStore store = raft.requireStore(shard);
        HostShard host = store.shard().orElseThrow(() -> ReplicationException.unavailable(
                "shard " + raft.index() + "/" + shard + " has no host shard"));
        Duration timeout = settings.applyTimeout();
        CompletableFuture<?> barrier = switch (consistency) {
            case EVENTUAL -> CompletableFuture.completedFuture(null);
            case STRONG -> store.readIndex(timeout);
            case DIRECT -> {
                if (store.isLeader()) {
                    yield CompletableFuture.completedFuture(null);
                }
                NodeAddress leader = leaderOf(store, Optional.empty());
                if (forwarder == null) {
                    throw ReplicationException.notLeader("index '" + raft.index() + "' shard '" + shard + "'",
                            store.leaderId());
                }
                yield forwarder.lastAppliedIndex(leader, raft.index(), shard, timeout)
                        .thenCompose(index -> store.waitForAppliedIndex(index, timeout));
            }
        };
        if (barrier.isDone() && !barrier.isCompletedExceptionally()) {
            // nothing to wait for (EVENTUAL, or DIRECT on the leader): read on the caller's thread, which is the
            // caller's own (a gRPC handler's), never a Raft thread; a hop to the read pool would only add a wake-up
            try {
                return CompletableFuture.completedFuture(reader.apply(host));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return barrier.thenApplyAsync(ignored -> reader.apply(host), readExecutor);
    }

    // ---- leadership --------------------------------------------------------------------------------

    public boolean isLeader(String shard) {
        return raft.isLeader(shard);
    }

    public CompletableFuture<Long> verifyLeaderForRead(String shard) {
        return raft.verifyLeaderForRead(shard, settings.applyTimeout());
    }

    public Optional<NodeAddress> leaderAddress(String shard) {
        return raft.leaderAddress(shard);
    }

    /** Writes applied through a local leader, forwarded to a remote leader, and retried attempts. */
    public RouterCounters counters() {
        return new RouterCounters(localWrites.get(), forwardedWrites.get(), retries.get());
    }

    // ---- retry -------------------------------------------------------------------------------------

    private <T> CompletableFuture<T> withRetry(Function<Optional<String>, CompletableFuture<T>> attempt,
            boolean retryAmbiguous, String what) {
        CompletableFuture<T> out = new CompletableFuture<>();
        long deadline = System.nanoTime() + settings.retryBudget().toNanos();
        run(() -> attempt.apply(Optional.empty()), attempt, retryAmbiguous, what, deadline, 0, out);
        return out;
    }

    private <T> void run(Supplier<CompletableFuture<T>> call, Function<Optional<String>, CompletableFuture<T>> attempt,
            boolean retryAmbiguous, String what, long deadline, int n, CompletableFuture<T> out) {
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((value, error) -> {
            if (error == null) {
                out.complete(value);
                return;
            }
            ReplicationException re = ReplicationException.find(error).orElseGet(() ->
                    new ReplicationException(Reason.INTERNAL, what + " failed: " + error, null, error));
            long remainingNanos = deadline - System.nanoTime();
            boolean retry = re.reason().retryable() && remainingNanos > 0 && (retryAmbiguous || re.notApplied());
            if (!retry) {
                out.completeExceptionally(n == 0 || !re.reason().retryable() ? re : new ReplicationException(re.reason(),
                        what + " gave up after " + (n + 1) + " attempts in " + settings.retryBudget().toMillis()
                                + " ms: " + re.getMessage(), re.leaderHint().orElse(null), re));
                return;
            }
            retries.incrementAndGet();
            Optional<String> hint = re.leaderHint();
            // A fresh leader hint is worth one immediate retry; otherwise back off (an election is running).
            long delayMs = hint.isPresent() && n == 0 ? 0 : Math.min(20L << Math.min(n, 4), 250);
            delayMs = Math.min(delayMs, TimeUnit.NANOSECONDS.toMillis(remainingNanos));
            LOG.debug("{}: retry {} in {} ms after {}", what, n + 1, delayMs, re.getMessage());
            scheduler.schedule(() -> run(() -> attempt.apply(hint), attempt, retryAmbiguous, what, deadline, n + 1, out),
                    delayMs, TimeUnit.MILLISECONDS);
        });
    }
}

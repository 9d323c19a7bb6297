package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** {@link ForwardCoalescer} over a transport that records calls and answers when the test says. */
class ForwardCoalescerTest {

    static final NodeAddress LEADER = new NodeAddress("127.0.0.1", 7001, 7002);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One call the coalescer made: its commands and the futures the test completes. */
    record Call(List<Command> commands, List<CompletableFuture<CommandResult>> results, boolean batch) {
    }

    static final class RecordingTransport implements LeaderForwarder {
        final List<Call> calls = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<CommandResult> apply(NodeAddress leader, String index, String shard,
                Command command, Duration timeout) {
            CompletableFuture<CommandResult> f = new CompletableFuture<>();
            calls.add(new Call(List.of(command), List.of(f), false));
            return f;
        }

        @Override
        public synchronized List<CompletableFuture<CommandResult>> applyBatch(NodeAddress leader, String index,
                String shard, List<Command> commands, Duration timeout) {
            List<CompletableFuture<CommandResult>> fs = new ArrayList<>();
            commands.forEach(c -> fs.add(new CompletableFuture<>()));
            calls.add(new Call(List.copyOf(commands), fs, true));
            return fs;
        }

        @Override
        public CompletableFuture<Long> lastAppliedIndex(NodeAddress leader, String index, String shard,
                Duration timeout) {
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public void close() {
        }
    }

    static Command delete(int i) {
        return Command.newBuilder().setDelete(DeleteObject.newBuilder().setId("id-" + i)).build();
    }

    static CommandResult result(long index) {
        return CommandResult.newBuilder().setLogIndex(index).build();
    }

    static final int M = ForwardCoalescer.MAX_IN_FLIGHT;

    final RecordingTransport transport = new RecordingTransport();
    final ForwardCoalescer coalescer = new ForwardCoalescer(transport, 4 << 20);

    /** Puts the lane's limit of single calls out (answered by nobody yet). */
    private void fill(String shard) {
        for (int i = 0; i < M; i++) {
            coalescer.apply(LEADER, "idx", shard, delete(1000 + i), TIMEOUT);
        }
        assertEquals(M, transport.calls.size());
    }

    @Test
    void anIdleLaneSendsAWriteAtOnceAndAlone() throws Exception {
        CompletableFuture<CommandResult> f = coalescer.apply(LEADER, "idx", "shard-0", delete(1), TIMEOUT);
        assertEquals(1, transport.calls.size());
        assertFalse(transport.calls.get(0).batch(), "a lone write goes as a single Apply");
        transport.calls.get(0).results().get(0).complete(result(7));
        assertEquals(7, f.get().getLogIndex());
        assertEquals(0, coalescer.queued());
    }

    @Test
    void writesArrivingWhileTheLaneIsBusyGoTogetherInOrderWithTheirOwnOutcomes() throws Exception {
        List<CompletableFuture<CommandResult>> fs = new ArrayList<>();
        for (int i = 0; i < M + 5; i++) {
            fs.add(coalescer.apply(LEADER, "idx", "shard-0", delete(i), TIMEOUT));
        }
        assertEquals(M, transport.calls.size(), "single calls out up to the limit, the rest queued");
        assertEquals(5, coalescer.queued());
        // another shard is another lane: not held back
        coalescer.apply(LEADER, "idx", "shard-1", delete(100), TIMEOUT);
        assertEquals(M + 1, transport.calls.size());

        transport.calls.get(0).results().get(0).complete(result(1));
        assertEquals(M + 2, transport.calls.size(), "the first answer releases one call carrying every queued write");
        Call batch = transport.calls.get(M + 1);
        assertTrue(batch.batch());
        assertEquals(List.of(delete(M), delete(M + 1), delete(M + 2), delete(M + 3), delete(M + 4)), batch.commands());
        assertEquals(0, coalescer.queued());

        ReplicationException notLeader = ReplicationException.notLeader("idx/shard-0", java.util.Optional.of("n2"));
        for (int i = 0; i < 5; i++) {
            if (i == 2) {
                batch.results().get(i).completeExceptionally(notLeader);
            } else {
                batch.results().get(i).complete(result(10 + i));
            }
        }
        assertEquals(1, fs.get(0).get().getLogIndex());
        assertEquals(11, fs.get(M + 1).get().getLogIndex());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> fs.get(M + 2).get());
        assertSame(notLeader, e.getCause(), "each command keeps its own outcome");
        assertEquals(14, fs.get(M + 4).get().getLogIndex());
    }

    @Test
    void aFailedCallFailsEachOfItsWrites() {
        fill("s");
        CompletableFuture<CommandResult> a = coalescer.apply(LEADER, "idx", "s", delete(2), TIMEOUT);
        CompletableFuture<CommandResult> b = coalescer.apply(LEADER, "idx", "s", delete(3), TIMEOUT);
        transport.calls.get(0).results().get(0).complete(result(1));
        Call batch = transport.calls.get(M);
        assertEquals(List.of(delete(2), delete(3)), batch.commands());
        ReplicationException broken = new ReplicationException(Reason.UNAVAILABLE, "connection broke", null, null,
                false);
        batch.results().forEach(f -> f.completeExceptionally(broken));
        for (CompletableFuture<CommandResult> f : List.of(a, b)) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
            assertSame(broken, e.getCause());
            assertFalse(((ReplicationException) e.getCause()).notApplied(), "an unknown outcome stays unknown");
        }
    }

    @Test
    void aWriteWhoseDeadlinePassesInTheQueueIsNeverSent() throws Exception {
        fill("s");
        CompletableFuture<CommandResult> late = coalescer.apply(LEADER, "idx", "s", delete(2), Duration.ofMillis(1));
        Thread.sleep(20);
        transport.calls.get(0).results().get(0).complete(result(1));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, late::get);
        ReplicationException re = (ReplicationException) e.getCause();
        assertEquals(Reason.UNAVAILABLE, re.reason());
        assertTrue(re.notApplied(), "never sent, so certainly not applied: " + re.getMessage());
        assertEquals(M, transport.calls.size(), "nothing was sent for it");
    }

    @Test
    void closeFailsQueuedWritesAsNotSent() {
        fill("s");
        CompletableFuture<CommandResult> queued = coalescer.apply(LEADER, "idx", "s", delete(2), TIMEOUT);
        coalescer.close();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, queued::get);
        assertTrue(((ReplicationException) e.getCause()).notApplied());
        assertTrue(coalescer.apply(LEADER, "idx", "s", delete(3), TIMEOUT).isCompletedExceptionally());
    }
}

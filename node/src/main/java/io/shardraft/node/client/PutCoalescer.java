package io.shardraft.node.client;

import com.google.common.base.Preconditions;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.BatchWriteResponse;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.WriteResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A client's coalescing of concurrent single-object puts to one node into {@code BatchPut} calls, as RheaKV's client
 * batches concurrent calls: each put still gets its own {@link ItemResult} (or its own failure), but a node busy
 * with earlier calls receives the puts that arrived meanwhile in one call, which costs it (and the client) one gRPC
 * call and one Raft entry per shard instead of one per put.
 *
 * <p>Per index, at most {@link Settings#window()} calls are in flight to the node; a put that finds the window free
 * is sent at once as a plain {@code Put} (a lone writer never waits and takes exactly the path it would without this
 * class), and puts that arrive while the window is full wait and leave together, up to {@link Settings#maxItems()}
 * puts and {@link Settings#maxBytes()} bytes per call, when an earlier call returns. No timer: the batch is whatever
 * queued while the node was busy. Two puts of the same object id never share a call (the second waits for the next
 * one), so each put's version and conditional check are its own, as if sent alone.
 *
 * <p>Failures: a call that fails fails every put in it with the call's status, exactly as each put would have failed
 * on its own (a put whose call timed out may or may not have been applied, as with {@code Put}). A node rejects a
 * whole {@code BatchPut} with INVALID_ARGUMENT when one of its objects is invalid, before anything is proposed; the
 * coalescer then sends each put of that call again on its own, so only the invalid put fails, with the node's message.
 *
 * <p>Thread-safe; owns no thread: calls are started by the putting thread or by gRPC's callback of the call that
 * freed the window, and completions run on the stub's executor.
 */
public final class PutCoalescer {

    /** Protobuf framing of one put inside a BatchPut request (tag and length), at most. */
    private static final int FRAMING_BYTES = 6;

    /**
     * @param window      calls in flight per index at most (1 to 64)
     * @param maxItems    puts per call at most (1 to 10,000)
     * @param maxQueued   puts waiting per index at most (beyond, a put fails at once with RESOURCE_EXHAUSTED rather
     *                    than grow the queue of a node that cannot keep up; 1 to 1,000,000)
     * @param maxBytes    serialized puts per call at most, bytes (1 KiB to 64 MiB; a larger single put is sent alone)
     * @param callTimeout deadline of each call (a put waits at most for the call in flight, then for its own)
     */
    public record Settings(int window, int maxItems, int maxQueued, int maxBytes, Duration callTimeout) {
        /**
         * One call in flight per index, 256 puts or 1 MiB per call, 100,000 puts waiting, 30 s deadline. One call rather than two: on the
         * reference 2-core host, put@64 to the leaders ran at 5,300-6,250 puts/s with one (about 10 puts per call)
         * and 4,900-5,600 with two (3-5 per call); each call costs the node a Raft entry of fixed cost.
         */
        public static final Settings DEFAULT = new Settings(1, 256, 100_000, 1 << 20, Duration.ofSeconds(30));

        public Settings {
            Preconditions.checkArgument(window >= 1 && window <= 64, "window must be in 1..64, got %s", window);
            Preconditions.checkArgument(maxItems >= 1 && maxItems <= 10_000, "maxItems must be in 1..10000, got %s",
                    maxItems);
            Preconditions.checkArgument(maxQueued >= 1 && maxQueued <= 1_000_000,
                    "maxQueued must be in 1..1000000, got %s", maxQueued);
            Preconditions.checkArgument(maxBytes >= 1024 && maxBytes <= 64 << 20,
                    "maxBytes must be in 1 KiB..64 MiB, got %s", maxBytes);
            Objects.requireNonNull(callTimeout, "callTimeout");
            Preconditions.checkArgument(!callTimeout.isNegative() && !callTimeout.isZero(),
                    "callTimeout must be > 0, got %s", callTimeout);
        }

        public Settings withCallTimeout(Duration timeout) {
            return new Settings(window, maxItems, maxQueued, maxBytes, timeout);
        }
    }

    private final ObjectServiceGrpc.ObjectServiceFutureStub stub;
    private final Settings settings;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final LongAdder calls = new LongAdder();
    private final LongAdder sent = new LongAdder();

    /** @param stub a future stub of the node's ObjectService (its channel stays the caller's) */
    public PutCoalescer(ObjectServiceGrpc.ObjectServiceFutureStub stub, Settings settings) {
        this.stub = Objects.requireNonNull(stub, "stub");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Puts one object into {@code index} on this node. The future completes with the put's result as the node
     * reported it (ITEM_OK, ITEM_CONFLICT, ...), or fails with the {@link StatusRuntimeException} of its call.
     */
    public CompletableFuture<ItemResult> put(String index, PutObject put) {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(put, "put");
        Pending p = new Pending(put, put.getSerializedSize() + FRAMING_BYTES);
        lanes.computeIfAbsent(index, Lane::new).submit(p);
        return p.result;
    }

    /** Calls started so far (Put and BatchPut; a rejected batch's puts sent again on their own count too). */
    public long calls() {
        return calls.sum();
    }

    /** Puts sent in those calls. */
    public long sentPuts() {
        return sent.sum();
    }

    /** One put waiting for its call, and its caller's future. */
    private record Pending(PutObject put, int bytes, CompletableFuture<ItemResult> result) {
        Pending(PutObject put, int bytes) {
            this(put, bytes, new CompletableFuture<>());
        }

        String id() {
            return put.getObject().getId();
        }
    }

    /** The puts of one index: its queue and its calls in flight. */
    private final class Lane {
        private final String index;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private int inFlight; // guarded by this

        Lane(String index) {
            this.index = index;
        }

        void submit(Pending p) {
            List<List<Pending>> calls;
            synchronized (this) {
                if (queue.size() >= settings.maxQueued()) {
                    p.result().completeExceptionally(Status.RESOURCE_EXHAUSTED.withDescription(settings.maxQueued()
                            + " puts to index '" + index + "' already wait for this node; it is not keeping up")
                            .asRuntimeException());
                    return;
                }
                queue.add(p);
                calls = takeCalls();
            }
            calls.forEach(this::send);
        }

        private void callDone() {
            List<List<Pending>> calls;
            synchronized (this) {
                inFlight--;
                calls = takeCalls();
            }
            calls.forEach(this::send);
        }

        /** The calls the window allows now, each taking what waits in order (guarded by this). */
        private List<List<Pending>> takeCalls() {
            List<List<Pending>> calls = List.of();
            while (!queue.isEmpty() && inFlight < settings.window()) {
                List<Pending> members = new ArrayList<>();
                Set<String> ids = new HashSet<>();
                long bytes = 0;
                for (Pending next; members.size() < settings.maxItems() && (next = queue.peek()) != null; ) {
                    if (!members.isEmpty() && (bytes + next.bytes() > settings.maxBytes() || ids.contains(next.id()))) {
                        break;
                    }
                    queue.poll();
                    members.add(next);
                    ids.add(next.id());
                    bytes += next.bytes();
                }
                inFlight++;
                if (calls.isEmpty()) {
                    calls = new ArrayList<>(2);
                }
                calls.add(members);
            }
            return calls;
        }

        private ObjectServiceGrpc.ObjectServiceFutureStub callStub() {
            return stub.withDeadlineAfter(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Sends a call's puts: one as a plain Put, more as one BatchPut. The call holds a slot of the window. */
        private void send(List<Pending> members) {
            if (members.size() == 1) {
                sendAlone(members.get(0), true);
                return;
            }
            calls.increment();
            sent.add(members.size());
            BatchPutRequest.Builder req = BatchPutRequest.newBuilder().setIndex(index);
            members.forEach(m -> req.addPuts(m.put()));
            call(() -> callStub().batchPut(req.build()), true, members, new FutureCallback<>() {
                @Override
                public void onSuccess(BatchWriteResponse r) {
                    if (r.getResultsCount() != members.size()) {
                        IllegalStateException e = new IllegalStateException("the node answered a BatchPut of "
                                + members.size() + " puts with " + r.getResultsCount() + " results");
                        members.forEach(m -> m.result().completeExceptionally(e));
                        return;
                    }
                    for (int i = 0; i < members.size(); i++) {
                        members.get(i).result().complete(r.getResults(i));
                    }
                }

                @Override
                public void onFailure(Throwable error) {
                    if (Status.fromThrowable(error).getCode() == Status.Code.INVALID_ARGUMENT) {
                        members.forEach(m -> sendAlone(m, false));
                    } else {
                        members.forEach(m -> m.result().completeExceptionally(error));
                    }
                }
            });
        }

        /** One put as a plain Put call; {@code holdsSlot}: it is a call of the window (not a resent member). */
        private void sendAlone(Pending p, boolean holdsSlot) {
            calls.increment();
            sent.increment();
            PutRequest.Builder req = PutRequest.newBuilder().setIndex(index).setObject(p.put().getObject());
            if (p.put().hasExpectedVersion()) {
                req.setExpectedVersion(p.put().getExpectedVersion());
            }
            call(() -> callStub().put(req.build()), holdsSlot, List.of(p), new FutureCallback<>() {
                @Override
                public void onSuccess(WriteResponse r) {
                    p.result().complete(r.getResult());
                }

                @Override
                public void onFailure(Throwable error) {
                    p.result().completeExceptionally(error);
                }
            });
        }

        /**
         * Starts a call and, when it ends, frees its slot of the window (if it holds one) before its puts are told.
         * A call whose start throws (gRPC cancels it and rethrows; no future is returned to listen to) frees its slot
         * and fails its puts here.
         */
        private <T> void call(Supplier<ListenableFuture<T>> start, boolean holdsSlot, List<Pending> members,
                FutureCallback<T> then) {
            ListenableFuture<T> result;
            try {
                result = start.get();
            } catch (RuntimeException e) {
                if (holdsSlot) {
                    callDone();
                }
                members.forEach(m -> m.result().completeExceptionally(e));
                return;
            }
            Futures.addCallback(result, new FutureCallback<T>() {
                @Override
                public void onSuccess(T value) {
                    if (holdsSlot) {
                        callDone();
                    }
                    then.onSuccess(value);
                }

                @Override
                public void onFailure(Throwable error) {
                    if (holdsSlot) {
                        callDone();
                    }
                    then.onFailure(error);
                }
            }, MoreExecutors.directExecutor());
        }
    }
}

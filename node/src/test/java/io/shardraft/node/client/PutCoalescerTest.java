package io.shardraft.node.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.BatchWriteResponse;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.WriteResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PutCoalescer} against a scripted ObjectService on a loopback gRPC server: the test holds each call and
 * decides how it ends, so what the coalescer sends while a call is in flight is exact.
 */
class PutCoalescerTest {

    /** One call the server received and has not answered yet. */
    private record Call(String method, List<PutObject> puts, StreamObserver<?> out) {
        List<String> ids() {
            return puts.stream().map(p -> p.getObject().getId()).toList();
        }
    }

    private final LinkedBlockingQueue<Call> received = new LinkedBlockingQueue<>();
    private final List<Call> all = new CopyOnWriteArrayList<>();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ObjectServiceGrpc.ObjectServiceImplBase() {
                    @Override
                    public void put(PutRequest r, StreamObserver<WriteResponse> out) {
                        PutObject p = PutObject.newBuilder().setObject(r.getObject()).build();
                        record(new Call("Put", List.of(r.hasExpectedVersion()
                                ? p.toBuilder().setExpectedVersion(r.getExpectedVersion()).build() : p), out));
                    }

                    @Override
                    public void batchPut(BatchPutRequest r, StreamObserver<BatchWriteResponse> out) {
                        record(new Call("BatchPut", r.getPutsList(), out));
                    }
                }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    private void record(Call c) {
        all.add(c);
        received.add(c);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private PutCoalescer coalescer(int window, int maxItems) {
        return coalescer(window, maxItems, 1000);
    }

    private PutCoalescer coalescer(int window, int maxItems, int maxQueued) {
        return new PutCoalescer(ObjectServiceGrpc.newFutureStub(channel),
                new PutCoalescer.Settings(window, maxItems, maxQueued, 1 << 20, Duration.ofSeconds(20)));
    }

    private static PutObject put(String id) {
        return PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id).setPropertiesJson("{}")).build();
    }

    private Call next() throws InterruptedException {
        Call c = received.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no call reached the server within 10 s; calls so far: " + all);
        }
        return c;
    }

    /** Answers a call: every put ITEM_OK with version base + its position. */
    @SuppressWarnings("unchecked")
    private static void ok(Call c, long base) {
        List<ItemResult> results = new ArrayList<>();
        for (int i = 0; i < c.puts().size(); i++) {
            results.add(ItemResult.newBuilder().setId(c.ids().get(i)).setStatus(ItemStatus.ITEM_OK)
                    .setVersion(base + i).build());
        }
        if (c.method().equals("Put")) {
            StreamObserver<WriteResponse> out = (StreamObserver<WriteResponse>) c.out();
            out.onNext(WriteResponse.newBuilder().setResult(results.get(0)).build());
            out.onCompleted();
        } else {
            StreamObserver<BatchWriteResponse> out = (StreamObserver<BatchWriteResponse>) c.out();
            out.onNext(BatchWriteResponse.newBuilder().addAllResults(results).build());
            out.onCompleted();
        }
    }

    /** A first put ("hold") whose call is held, the puts queued behind it, and the call they left in once it returned. */
    private record Queued(CompletableFuture<ItemResult> first, List<CompletableFuture<ItemResult>> futures, Call call) {
    }

    private Queued queuedBehindAHeldCall(PutCoalescer c, String... ids) throws InterruptedException {
        CompletableFuture<ItemResult> first = c.put("docs", put("hold"));
        Call held = next();
        List<CompletableFuture<ItemResult>> futures = new ArrayList<>();
        for (String id : ids) {
            futures.add(c.put("docs", put(id)));
        }
        ok(held, 1);
        return new Queued(first, futures, next());
    }

    private static ItemResult await(CompletableFuture<ItemResult> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLonePutIsSentAtOnceAsAPlainPut() throws Exception {
        PutCoalescer c = coalescer(1, 256);
        CompletableFuture<ItemResult> f = c.put("docs", put("a").toBuilder().setExpectedVersion(7).build());
        Call call = next();
        assertEquals("Put", call.method());
        assertEquals(7, call.puts().get(0).getExpectedVersion(), "the condition travels with the put");
        ok(call, 40);
        ItemResult r = await(f);
        assertEquals("a", r.getId());
        assertEquals(40, r.getVersion());
        assertEquals(1, c.calls());
    }

    @Test
    void putsThatArriveWhileTheWindowIsFullLeaveTogetherEachWithItsOwnResult() throws Exception {
        PutCoalescer c = coalescer(1, 256);
        CompletableFuture<ItemResult> first = c.put("docs", put("a"));
        Call held = next();
        List<CompletableFuture<ItemResult>> waiting = new ArrayList<>();
        for (String id : List.of("b", "c", "d")) {
            waiting.add(c.put("docs", put(id)));
        }
        assertTrue(received.poll(300, TimeUnit.MILLISECONDS) == null, "nothing else is sent while the window is full");
        ok(held, 1);
        Call batch = next();
        assertEquals("BatchPut", batch.method());
        assertEquals(List.of("b", "c", "d"), batch.ids());
        ok(batch, 10);
        assertEquals(1, await(first).getVersion());
        for (int i = 0; i < 3; i++) {
            ItemResult r = await(waiting.get(i));
            assertEquals(List.of("b", "c", "d").get(i), r.getId());
            assertEquals(10 + i, r.getVersion());
        }
        assertEquals(2, c.calls());
        assertEquals(4, c.sentPuts());
    }

    @Test
    void twoPutsOfOneIdNeverShareACallAndACallHoldsAtMostMaxItems() throws Exception {
        Queued q = queuedBehindAHeldCall(coalescer(1, 3), "a", "b", "a", "c", "d", "e", "f");
        List<CompletableFuture<ItemResult>> fs = q.futures();
        Call first = q.call();
        assertEquals(List.of("a", "b"), first.ids(), "the second put of a waits for the next call");
        ok(first, 10);
        Call second = next();
        assertEquals(List.of("a", "c", "d"), second.ids(), "at most maxItems puts per call");
        ok(second, 20);
        Call third = next();
        assertEquals(List.of("e", "f"), third.ids());
        ok(third, 30);
        assertEquals(List.of(10L, 11L, 20L, 21L, 22L, 30L, 31L),
                fs.stream().map(f -> f.join().getVersion()).toList());
    }

    @Test
    void eachIndexHasItsOwnWindow() throws Exception {
        PutCoalescer c = coalescer(1, 256);
        c.put("docs", put("a"));
        c.put("pics", put("b"));
        Call one = next();
        Call two = next();
        assertEquals(List.of("Put", "Put"), List.of(one.method(), two.method()));
        ok(one, 1);
        ok(two, 1);
    }

    @Test
    void aWindowOfTwoSendsTwoCallsBeforeQueueing() throws Exception {
        PutCoalescer c = coalescer(2, 256);
        c.put("docs", put("a"));
        c.put("docs", put("b"));
        Call one = next();
        Call two = next();
        CompletableFuture<ItemResult> third = c.put("docs", put("c"));
        assertTrue(received.poll(300, TimeUnit.MILLISECONDS) == null, "a third call waits for one of the two");
        ok(two, 5);
        ok(next(), 9);
        assertEquals(9, await(third).getVersion());
        ok(one, 1);
    }

    @Test
    void aFailedCallFailsEveryPutInItWithItsStatus() throws Exception {
        PutCoalescer c = coalescer(1, 256);
        Queued q = queuedBehindAHeldCall(c, "b", "d");
        q.call().out().onError(Status.UNAVAILABLE.withDescription("leader lost").asRuntimeException());
        for (CompletableFuture<ItemResult> f : q.futures()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            StatusRuntimeException s = (StatusRuntimeException) e.getCause();
            assertEquals(Status.Code.UNAVAILABLE, s.getStatus().getCode());
            assertEquals("leader lost", s.getStatus().getDescription());
        }
        assertEquals(1, await(q.first()).getVersion());
        // the window is free again: the next put goes out at once
        CompletableFuture<ItemResult> after = c.put("docs", put("e"));
        ok(next(), 3);
        assertEquals(3, await(after).getVersion());
    }

    @Test
    void aBatchRejectedAsInvalidIsSentAgainPutByPutSoOnlyTheInvalidPutFails() throws Exception {
        Queued q = queuedBehindAHeldCall(coalescer(1, 256), "good", "bad");
        CompletableFuture<ItemResult> good = q.futures().get(0);
        CompletableFuture<ItemResult> bad = q.futures().get(1);
        Call batch = q.call();
        assertEquals(List.of("good", "bad"), batch.ids());
        batch.out().onError(Status.INVALID_ARGUMENT.withDescription("puts[1].object.id: not a UUID")
                .asRuntimeException());
        List<Call> alone = List.of(next(), next());
        for (Call call : alone) {
            assertEquals("Put", call.method());
            if (call.ids().equals(List.of("bad"))) {
                call.out().onError(Status.INVALID_ARGUMENT.withDescription("object.id: not a UUID")
                        .asRuntimeException());
            } else {
                ok(call, 7);
            }
        }
        assertEquals(7, await(good).getVersion());
        ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
        assertEquals("object.id: not a UUID", ((StatusRuntimeException) e.getCause()).getStatus().getDescription());
        assertFalse(good.isCompletedExceptionally());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBatchAnsweredWithTheWrongNumberOfResultsFailsItsPuts() throws Exception {
        Queued q = queuedBehindAHeldCall(coalescer(1, 256), "a", "b");
        StreamObserver<BatchWriteResponse> out = (StreamObserver<BatchWriteResponse>) q.call().out();
        out.onNext(BatchWriteResponse.newBuilder().addResults(ItemResult.newBuilder().setId("a")
                .setStatus(ItemStatus.ITEM_OK)).build());
        out.onCompleted();
        for (CompletableFuture<ItemResult> f : q.futures()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("2 puts with 1 results"), e.getCause().getMessage());
        }
    }

    @Test
    void aPutBeyondTheQueueBoundFailsAtOnceAndTheQueuedOnesStillLeave() throws Exception {
        PutCoalescer c = coalescer(1, 256, 5);
        c.put("docs", put("hold"));
        Call held = next();
        List<CompletableFuture<ItemResult>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(c.put("docs", put("q" + i)));
        }
        CompletableFuture<ItemResult> refused = c.put("docs", put("late"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
        Status s = ((StatusRuntimeException) e.getCause()).getStatus();
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
        assertEquals("5 puts to index 'docs' already wait for this node; it is not keeping up", s.getDescription());
        ok(held, 1);
        Call batch = next();
        assertEquals(List.of("q0", "q1", "q2", "q3", "q4"), batch.ids());
        ok(batch, 2);
        assertEquals(6, await(queued.get(4)).getVersion());
    }

    @Test
    void aCallThatFailsWhileStartingFailsItsPutAndFreesItsSlot() throws Exception {
        // gRPC cancels a call whose start throws part-way and rethrows: the put fails with that error, and the
        // window is one call again (not stuck at full, not grown)
        AtomicBoolean failNextSend = new AtomicBoolean(true);
        ClientInterceptor failing = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                    Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void sendMessage(Q message) {
                        if (failNextSend.getAndSet(false)) {
                            throw new IllegalStateException("injected: cannot send");
                        }
                        super.sendMessage(message);
                    }
                };
            }
        };
        PutCoalescer c = new PutCoalescer(ObjectServiceGrpc.newFutureStub(channel).withInterceptors(failing),
                new PutCoalescer.Settings(1, 256, 1000, 1 << 20, Duration.ofSeconds(20)));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> c.put("docs", put("a")).get(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(e.getCause()).contains("cannot send"), String.valueOf(e.getCause()));
        // the window is one call again: a held call, then two more puts that wait for it together
        c.put("docs", put("b"));
        Call held = next();
        c.put("docs", put("c"));
        c.put("docs", put("d"));
        assertTrue(received.poll(300, TimeUnit.MILLISECONDS) == null, "only one call in flight");
        ok(held, 1);
        assertEquals(List.of("c", "d"), next().ids());
    }

    @Test
    void settingsAreValidated() {
        assertEquals("window must be in 1..64, got 0", assertThrows(IllegalArgumentException.class,
                () -> new PutCoalescer.Settings(0, 1, 1, 4096, Duration.ofSeconds(1))).getMessage());
        assertEquals("maxItems must be in 1..10000, got 0", assertThrows(IllegalArgumentException.class,
                () -> new PutCoalescer.Settings(1, 0, 1, 4096, Duration.ofSeconds(1))).getMessage());
        assertEquals("maxQueued must be in 1..1000000, got 0", assertThrows(IllegalArgumentException.class,
                () -> new PutCoalescer.Settings(1, 1, 0, 4096, Duration.ofSeconds(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PutCoalescer.Settings(1, 1, 1, 100, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new PutCoalescer.Settings(1, 1, 1, 4096, Duration.ZERO));
    }
}

package io.shardraft.node.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.shardraft.api.v1.Consistency;
import io.shardraft.api.v1.CountRequest;
import io.shardraft.api.v1.CreateIndexRequest;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.IndexServiceGrpc;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coalesced puts on three real nodes over real gRPC: concurrent writers on every node (leaders and followers), each
 * put acknowledged on its own, and every acknowledged put readable afterwards with the version it was given.
 */
class CoalescedPutsClusterTest {
    static final int WRITERS = 24;
    static final int PUTS_PER_WRITER = 40;

    @TempDir
    Path dir;
    NodeCluster cluster;
    final Map<String, ManagedChannel> channels = new HashMap<>();
    final Map<String, PutCoalescer> coalescers = new HashMap<>();

    @BeforeEach
    void start() {
        cluster = new NodeCluster(dir, 3);
        for (String n : cluster.nodeIds()) {
            InProcessCluster.awaitTrue(() -> cluster.node(n).isReady(), Duration.ofSeconds(30), () -> n + " not ready");
            var a = cluster.node(n).config().self();
            channels.put(n, NettyChannelBuilder.forAddress(a.host(), a.grpcPort()).usePlaintext().build());
            coalescers.put(n, new PutCoalescer(ObjectServiceGrpc.newFutureStub(channels.get(n)), PutCoalescer.Settings.DEFAULT));
        }
        IndexServiceGrpc.newBlockingStub(channels.get("node1")).withDeadlineAfter(30, TimeUnit.SECONDS)
                .createIndex(CreateIndexRequest.newBuilder().setSpec(IndexSpec.newBuilder().setName("docs")
                        .setShards(3).setReplicationFactor(3).setDimensions(2).setMetric("l2")).build());
        for (String n : cluster.nodeIds()) {
            InProcessCluster.awaitTrue(() -> cluster.node(n).database().index("docs").isPresent(),
                    Duration.ofSeconds(20), () -> "docs not open on " + n);
        }
    }

    @AfterEach
    void stop() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        cluster.close();
    }

    private ObjectServiceGrpc.ObjectServiceBlockingStub objects(String node) {
        return ObjectServiceGrpc.newBlockingStub(channels.get(node)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static PutObject put(String id, int i) {
        return PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id).setPropertiesJson("{\"i\":" + i + "}")
                .setVector(Vector.newBuilder().addValues(i).addValues(0))).build();
    }

    @Test
    void concurrentPutsThroughEveryNodeAreEachAcknowledgedAndAllStored() throws Exception {
        List<String> nodes = cluster.nodeIds();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        Map<String, ItemResult> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; i < PUTS_PER_WRITER; i++) {
                        String id = UUID.randomUUID().toString();
                        ItemResult r = coalescers.get(nodes.get((writer + i) % nodes.size()))
                                .put("docs", put(id, writer * 1000 + i)).get(30, TimeUnit.SECONDS);
                        assertEquals(ItemStatus.ITEM_OK, r.getStatus(), r.toString());
                        assertEquals(id, r.getId());
                        acknowledged.put(id, r);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        assertEquals(WRITERS * PUTS_PER_WRITER, acknowledged.size());
        long calls = coalescers.values().stream().mapToLong(PutCoalescer::calls).sum();
        assertTrue(calls < acknowledged.size(), "concurrent puts shared calls: " + calls + " calls for "
                + acknowledged.size() + " puts");
        for (String n : nodes) {
            assertEquals(acknowledged.size(), objects(n).count(CountRequest.newBuilder().setIndex("docs")
                    .setConsistency(Consistency.STRONG).build()).getCount(), "objects counted on " + n);
        }
        for (Map.Entry<String, ItemResult> e : acknowledged.entrySet()) {
            GetResponse g = objects(nodes.get(Math.floorMod(e.getKey().hashCode(), nodes.size())))
                    .get(GetRequest.newBuilder().setIndex("docs").setId(e.getKey())
                            .setConsistency(Consistency.STRONG).build());
            assertTrue(g.getFound(), e.getKey());
            assertEquals(e.getValue().getVersion(), g.getObject().getVersion(), "version of " + e.getKey());
        }
    }

    @Test
    void anInvalidPutAmongConcurrentOnesFailsAloneAndTheOthersAreStored() throws Exception {
        PutCoalescer c = coalescers.get("node2");
        List<CompletableFuture<ItemResult>> good = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        CompletableFuture<ItemResult> bad = null;
        for (int i = 0; i < 60; i++) {
            if (i == 30) {
                bad = c.put("docs", PutObject.newBuilder().setObject(ObjectData.newBuilder()
                        .setId(UUID.randomUUID().toString()).setPropertiesJson("{}")
                        .setVector(Vector.newBuilder().addValues(1))).build()); // one dimension, the index has two
            }
            String id = UUID.randomUUID().toString();
            ids.add(id);
            good.add(c.put("docs", put(id, i)));
        }
        for (CompletableFuture<ItemResult> f : good) {
            assertEquals(ItemStatus.ITEM_OK, f.get(30, TimeUnit.SECONDS).getStatus());
        }
        CompletableFuture<ItemResult> rejected = bad;
        ExecutionException e = assertThrows(ExecutionException.class, () -> rejected.get(30, TimeUnit.SECONDS));
        Status s = ((StatusRuntimeException) e.getCause()).getStatus();
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("dimension"), s.getDescription());
        assertEquals(60, objects("node1").count(CountRequest.newBuilder().setIndex("docs")
                .setConsistency(Consistency.STRONG).build()).getCount());
    }
}

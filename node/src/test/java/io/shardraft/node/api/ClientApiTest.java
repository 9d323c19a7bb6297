package io.shardraft.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.shardraft.api.v1.AdminServiceGrpc;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.ClusterStatusRequest;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.Consistency;
import io.shardraft.api.v1.ConsistencyCheckRequest;
import io.shardraft.api.v1.CountRequest;
import io.shardraft.api.v1.CreateIndexRequest;
import io.shardraft.api.v1.DescribeIndexRequest;
import io.shardraft.api.v1.DropIndexRequest;
import io.shardraft.api.v1.ExportRequest;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.IndexInfo;
import io.shardraft.api.v1.IndexServiceGrpc;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ListIndexesRequest;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.SearchRequest;
import io.shardraft.api.v1.SearchResponse;
import io.shardraft.api.v1.StoredObjectMessage;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client API over real gRPC on three in-process nodes; indexes created through the metadata group. */
class ClientApiTest {
    @TempDir
    Path dir;
    NodeCluster cluster;
    final Map<String, ManagedChannel> channels = new HashMap<>();

    @BeforeEach
    void start() {
        cluster = new NodeCluster(dir, 3);
        for (String n : cluster.nodeIds()) {
            InProcessCluster.awaitTrue(() -> cluster.node(n).isReady(), Duration.ofSeconds(30), () -> n + " not ready");
        }
    }

    @AfterEach
    void stop() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        cluster.close();
    }

    ManagedChannel ch(String node) {
        return channels.computeIfAbsent(node, n -> {
            var a = cluster.node(n).config().self();
            return NettyChannelBuilder.forAddress(a.host(), a.grpcPort()).usePlaintext().build();
        });
    }

    IndexServiceGrpc.IndexServiceBlockingStub indexes(String node) {
        return IndexServiceGrpc.newBlockingStub(ch(node)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    ObjectServiceGrpc.ObjectServiceBlockingStub objects(String node) {
        return ObjectServiceGrpc.newBlockingStub(ch(node)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    AdminServiceGrpc.AdminServiceBlockingStub admin(String node) {
        return AdminServiceGrpc.newBlockingStub(ch(node)).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static IndexSpec spec(String name) {
        return IndexSpec.newBuilder().setName(name).setShards(3).setReplicationFactor(3).setDimensions(2)
                .setMetric("l2").build();
    }

    static ObjectData object(int i) {
        return ObjectData.newBuilder().setId(UUID.randomUUID().toString()).setPropertiesJson("{\"i\":" + i + "}")
                .setVector(Vector.newBuilder().addValues(i).addValues(0)).build();
    }

    @Test
    void healthIsServingOnEveryReadyNode() {
        for (String n : cluster.nodeIds()) {
            HealthCheckResponse r = HealthGrpc.newBlockingStub(ch(n)).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
        }
    }

    @Test
    void indexLifecycleAndObjectsThroughAnyNode() {
        IndexInfo info = indexes("node2").createIndex(CreateIndexRequest.newBuilder().setSpec(spec("docs")).build());
        assertTrue(info.getIncarnation() > 0);
        assertEquals(3, info.getShardsCount());
        for (String n : cluster.nodeIds()) {
            InProcessCluster.awaitTrue(() -> cluster.node(n).database().index("docs").isPresent(),
                    Duration.ofSeconds(20), () -> "docs not open on " + n);
            assertEquals(List.of("docs"), indexes(n).listIndexes(ListIndexesRequest.getDefaultInstance())
                    .getIndexesList().stream().map(i -> i.getSpec().getName()).toList());
        }

        List<ObjectData> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ObjectData o = object(i);
            var r = objects(cluster.nodeIds().get(i % 3)).put(PutRequest.newBuilder().setIndex("docs").setObject(o).build());
            assertEquals(ItemStatus.ITEM_OK, r.getResult().getStatus());
            written.add(o);
        }
        List<PutObject> batch = new ArrayList<>();
        for (int i = 30; i < 60; i++) {
            ObjectData o = object(i);
            batch.add(PutObject.newBuilder().setObject(o).build());
            written.add(o);
        }
        assertEquals(30, objects("node1").batchPut(BatchPutRequest.newBuilder().setIndex("docs").addAllPuts(batch).build())
                .getResultsCount());
        for (String n : cluster.nodeIds()) {
            assertEquals(60, objects(n).count(CountRequest.newBuilder().setIndex("docs").build()).getCount());
            GetResponse g = objects(n).get(GetRequest.newBuilder().setIndex("docs").setId(written.get(7).getId())
                    .setConsistency(Consistency.STRONG).build());
            assertTrue(g.getFound());
            assertEquals("{\"i\":7}", g.getObject().getPropertiesJson());
            assertTrue(g.getObject().getVersion() > 0);
        }
        SearchResponse s = objects("node3").search(SearchRequest.newBuilder().setIndex("docs")
                .setVector(Vector.newBuilder().addValues(10.2f).addValues(0)).setK(3).build());
        assertEquals(List.of("{\"i\":10}", "{\"i\":11}", "{\"i\":9}"),
                s.getHitsList().stream().map(h -> h.getObject().getPropertiesJson()).toList());
        List<String> exported = new ArrayList<>();
        Iterator<StoredObjectMessage> it = objects("node2").export(ExportRequest.newBuilder().setIndex("docs").build());
        it.forEachRemaining(m -> exported.add(m.getId()));
        assertEquals(written.stream().map(ObjectData::getId).sorted().toList(), exported);

        ClusterStatusResponse status = admin("node1").clusterStatus(ClusterStatusRequest.getDefaultInstance());
        assertEquals(3, status.getNodesCount());
        assertTrue(status.getNodesList().stream().allMatch(n -> n.getReachable()));
        assertEquals(9, status.getReplicasCount());
        assertFalse(status.getMetadataLeader().isEmpty());
        var check = admin("node2").consistencyCheck(ConsistencyCheckRequest.newBuilder().setIndex("docs").build());
        assertTrue(check.getConsistent(), check.toString());
        assertEquals(3, check.getShardsCount());

        Path oldDir = cluster.node("node1").database().indexPath("docs");
        assertTrue(Files.isDirectory(oldDir));
        assertTrue(indexes("node3").dropIndex(DropIndexRequest.newBuilder().setName("docs").build()).getDropped());
        for (String n : cluster.nodeIds()) {
            InProcessCluster.awaitTrue(() -> cluster.node(n).database().index("docs").isEmpty(), Duration.ofSeconds(20),
                    () -> "docs still open on " + n);
        }
        assertFalse(Files.exists(oldDir), "dropped index files are gone");
        IndexInfo again = indexes("node1").createIndex(CreateIndexRequest.newBuilder().setSpec(spec("docs")).build());
        assertNotEquals(info.getIncarnation(), again.getIncarnation());
        assertEquals(0, objects("node2").count(CountRequest.newBuilder().setIndex("docs").build()).getCount());
    }

    @Test
    void concurrentWritesToOneNodeAreForwardedTogetherAndEveryOneIsApplied() throws Exception {
        indexes("node1").createIndex(CreateIndexRequest.newBuilder().setSpec(spec("burst")).build());
        for (String n : cluster.nodeIds()) {
            InProcessCluster.awaitTrue(() -> cluster.node(n).database().index("burst").isPresent(),
                    Duration.ofSeconds(20), () -> "burst not open on " + n);
        }
        // node1 leads some shards at most: most of these writes are forwarded, many while the lane to the leader
        // is busy, so they travel together (ForwardCoalescer), sent from the completion of another request's call
        ObjectServiceGrpc.ObjectServiceFutureStub async = ObjectServiceGrpc.newFutureStub(ch("node1"))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        List<ObjectData> written = new ArrayList<>();
        List<com.google.common.util.concurrent.ListenableFuture<io.shardraft.api.v1.WriteResponse>> puts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ObjectData o = object(i);
            written.add(o);
            puts.add(async.put(PutRequest.newBuilder().setIndex("burst").setObject(o).build()));
        }
        for (var f : puts) {
            assertEquals(ItemStatus.ITEM_OK, f.get(60, TimeUnit.SECONDS).getResult().getStatus());
        }
        for (ObjectData o : written) {
            GetResponse g = objects("node3").get(GetRequest.newBuilder().setIndex("burst").setId(o.getId())
                    .setConsistency(Consistency.STRONG).build());
            assertTrue(g.getFound(), o.getId());
            assertEquals(o.getPropertiesJson(), g.getObject().getPropertiesJson());
        }
    }

    @Test
    void anIndexWithFewerReplicasThanNodesServesEveryCallOnEveryNode() {
        for (int rf : new int[] {1, 2}) {
            String name = "sparse" + rf;
            indexes("node1").createIndex(CreateIndexRequest.newBuilder()
                    .setSpec(spec(name).toBuilder().setReplicationFactor(rf)).build());
            for (String n : cluster.nodeIds()) {
                InProcessCluster.awaitTrue(() -> cluster.node(n).database().index(name).isPresent(),
                        Duration.ofSeconds(20), () -> name + " not open on " + n);
                assertTrue(cluster.node(n).database().localShardNames(name).size() < 3, "some shards are elsewhere");
            }
            List<ObjectData> written = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ObjectData o = object(i);
                var r = objects(cluster.nodeIds().get(i % 3)).put(PutRequest.newBuilder().setIndex(name).setObject(o).build());
                assertEquals(ItemStatus.ITEM_OK, r.getResult().getStatus());
                written.add(o);
            }
            List<PutObject> batch = new ArrayList<>();
            for (int i = 12; i < 30; i++) {
                ObjectData o = object(i);
                batch.add(PutObject.newBuilder().setObject(o).build());
                written.add(o);
            }
            var results = objects("node2").batchPut(BatchPutRequest.newBuilder().setIndex(name).addAllPuts(batch).build());
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(batch.get(i).getObject().getId(), results.getResults(i).getId());
                assertEquals(ItemStatus.ITEM_OK, results.getResults(i).getStatus());
            }
            for (String n : cluster.nodeIds()) {
                assertEquals(30, objects(n).count(CountRequest.newBuilder().setIndex(name).build()).getCount(), n);
                for (ObjectData o : written) {
                    assertTrue(objects(n).get(GetRequest.newBuilder().setIndex(name).setId(o.getId()).build()).getFound());
                }
                SearchResponse s = objects(n).search(SearchRequest.newBuilder().setIndex(name)
                        .setVector(Vector.newBuilder().addValues(20.1f).addValues(0)).setK(2).build());
                assertEquals(List.of("{\"i\":20}", "{\"i\":21}"),
                        s.getHitsList().stream().map(h -> h.getObject().getPropertiesJson()).toList());
                List<String> exported = new ArrayList<>();
                objects(n).export(ExportRequest.newBuilder().setIndex(name).build())
                        .forEachRemaining(m -> exported.add(m.getId()));
                assertEquals(written.stream().map(ObjectData::getId).sorted().toList(), exported);
            }
            assertTrue(admin("node3").consistencyCheck(ConsistencyCheckRequest.newBuilder().setIndex(name).build())
                    .getConsistent());
        }
    }

    @Test
    void badRequestsGetClearStatuses() {
        indexes("node1").createIndex(CreateIndexRequest.newBuilder().setSpec(spec("strict")).build());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> objects("node2").put(
                PutRequest.newBuilder().setIndex("nope").setObject(object(1)).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("nope"));

        ObjectData badVector = object(1).toBuilder().setVector(Vector.newBuilder().addValues(1)).build();
        e = assertThrows(StatusRuntimeException.class, () -> objects("node2").put(
                PutRequest.newBuilder().setIndex("strict").setObject(badVector).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("vector"), e.getStatus().getDescription());

        e = assertThrows(StatusRuntimeException.class, () -> indexes("node3").createIndex(CreateIndexRequest.newBuilder()
                .setSpec(spec("toomany").toBuilder().setReplicationFactor(5)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        e = assertThrows(StatusRuntimeException.class, () -> indexes("node3").createIndex(CreateIndexRequest.newBuilder()
                .setSpec(spec("badmetric").toBuilder().setMetric("manhattan")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        e = assertThrows(StatusRuntimeException.class, () -> indexes("node2").createIndex(CreateIndexRequest.newBuilder()
                .setSpec(spec("strict").toBuilder().setDimensions(7)).build()));
        assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
        e = assertThrows(StatusRuntimeException.class, () -> indexes("node2").describeIndex(
                DescribeIndexRequest.newBuilder().setName("ghost").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        // an identical create is idempotent
        assertEquals("strict", indexes("node3").createIndex(CreateIndexRequest.newBuilder().setSpec(spec("strict")).build())
                .getSpec().getName());
    }

    @Test
    void aRestartedNodeReopensItsIndexesFromTheMetadataLog() {
        indexes("node1").createIndex(CreateIndexRequest.newBuilder().setSpec(spec("durable")).build());
        ObjectData o = object(5);
        objects("node2").put(PutRequest.newBuilder().setIndex("durable").setObject(o).build());
        cluster.stop("node3");
        java.util.Optional.ofNullable(channels.remove("node3")).ifPresent(ManagedChannel::shutdownNow);
        cluster.start("node3");
        InProcessCluster.awaitTrue(() -> cluster.node("node3").isReady(), Duration.ofSeconds(30), () -> "not ready");
        GetResponse g = objects("node3").get(GetRequest.newBuilder().setIndex("durable").setId(o.getId()).build());
        assertTrue(g.getFound());
    }
}

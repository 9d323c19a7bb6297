package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.primitives.Floats;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.shardraft.api.v1.ApplyBatchRequest;
import io.shardraft.api.v1.ApplyBatchResponse;
import io.shardraft.api.v1.ApplyRequest;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.ShardReplicationServiceGrpc;
import io.shardraft.api.v1.ShardReplicationServiceGrpc.ShardReplicationServiceBlockingStub;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.node.store.Distance;
import io.shardraft.node.store.StoredObject;
import io.shardraft.node.testing.NodeCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that reaches a shard's leader from another node (ShardReplicationService, which any gRPC client of a
 * node can call) is admitted by the leader's host before it is proposed: the {@code admitted} mark, which lets every
 * replica skip the content checks at apply, is never taken from the caller. Real nodes, real gRPC on loopback.
 */
class PeerCommandAdmissionTest {
    static final String INDEX = "admission";
    static final String SHARD = "shard-0";
    static final String ID = "6f1c2a4e-8b7d-4c1e-9a55-0d3e2f4b5a61";

    @TempDir
    Path dir;
    NodeCluster cluster;
    ManagedChannel channel;
    ShardReplicationServiceBlockingStub leader;

    @BeforeEach
    void start() {
        cluster = new NodeCluster(dir, 3);
        cluster.createIndex(IndexDefinition.replicated(INDEX, 1, 3, 3, Distance.L2));
        String leaderId = cluster.awaitLeader(INDEX, SHARD, Duration.ofSeconds(30));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.node(leaderId).config().self().grpcPort())
                .usePlaintext().build();
        leader = ShardReplicationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        cluster.close();
    }

    private static Command put(String id, String properties, boolean admitted, float... vector) {
        return Command.newBuilder().setRequestId("admission-test").setAdmitted(admitted)
                .setPut(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(id).setPropertiesJson(properties)
                        .setVector(Vector.newBuilder().addAllValues(Floats.asList(vector)))))
                .build();
    }

    private static ApplyRequest request(Command command) {
        return ApplyRequest.newBuilder().setIndex(INDEX).setShard(SHARD).setCommand(command.toByteString()).build();
    }

    private Optional<StoredObject> storedOn(String node, String id) throws Exception {
        return cluster.index(node, INDEX).get(id, ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aForgedAdmittedMarkDoesNotLetInvalidContentIntoTheLog() throws Exception {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> leader.apply(request(put(ID, "[1]", true, 1, 2, 3))));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("put.object.properties_json: must be a JSON object, got an array", e.getStatus().getDescription());

        StatusRuntimeException dims = assertThrows(StatusRuntimeException.class,
                () -> leader.apply(request(put(ID, "{}", true, 1, 2))));
        assertEquals(Status.Code.INVALID_ARGUMENT, dims.getStatus().getCode());
        assertEquals("put.object.vector: expected 3 dimensions, got 2", dims.getStatus().getDescription());

        ApplyBatchResponse batch = leader.applyBatch(ApplyBatchRequest.newBuilder().setIndex(INDEX).setShard(SHARD)
                .addCommands(ByteString.copyFrom(put(ID, "{\"ok\":true}", true, 1, 2, 3).toByteArray()))
                .addCommands(ByteString.copyFrom(put(ID.replace('6', '7'), "not json", true, 1, 2, 3).toByteArray()))
                .build());
        assertEquals(Status.Code.OK.value(), batch.getOutcomes(0).getErrorCode());
        assertEquals(ItemStatus.ITEM_OK, batch.getOutcomes(0).getResult().getItems(0).getStatus());
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), batch.getOutcomes(1).getErrorCode());
        assertTrue(batch.getOutcomes(1).getErrorMessage().startsWith("put.object.properties_json: not valid JSON"),
                batch.getOutcomes(1).getErrorMessage());

        cluster.awaitConverged(INDEX, Duration.ofSeconds(30));
        for (String node : cluster.nodeIds()) {
            assertEquals("{\"ok\":true}", storedOn(node, ID).orElseThrow().propertiesJson(), node);
            assertEquals(Optional.empty(), storedOn(node, ID.replace('6', '7')), node);
            assertEquals(1L, cluster.index(node, INDEX).count(ReadConsistency.EVENTUAL).get(30, TimeUnit.SECONDS), node);
        }
    }

    @Test
    void aCommandFromAnotherNodeIsNormalizedOnceByTheLeaderAndStoredSoOnEveryReplica() throws Exception {
        String upper = ID.toUpperCase();
        var result = leader.apply(request(put(upper, "{\"b\": 1, \"a\": {\"d\": 2, \"c\": 3}}", false, 1, 2, 3)));
        assertEquals(ItemStatus.ITEM_OK, result.getResult().getItems(0).getStatus());
        assertEquals(ID, result.getResult().getItems(0).getId());

        cluster.awaitConverged(INDEX, Duration.ofSeconds(30));
        List<String> checksums = cluster.nodeIds().stream().map(n -> {
            try {
                return cluster.index(n, INDEX).checksums().get(30, TimeUnit.SECONDS).toString();
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        }).distinct().toList();
        assertEquals(1, checksums.size(), checksums.toString());
        for (String node : cluster.nodeIds()) {
            StoredObject o = storedOn(node, ID).orElseThrow(() -> new AssertionError("missing on " + node));
            assertEquals("{\"a\":{\"c\":3,\"d\":2},\"b\":1}", o.propertiesJson(), node);
        }
    }
}

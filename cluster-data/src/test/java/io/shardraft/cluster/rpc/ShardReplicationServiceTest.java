package io.shardraft.cluster.rpc;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.shardraft.api.v1.ApplyBatchRequest;
import io.shardraft.api.v1.ApplyBatchResponse;
import io.shardraft.api.v1.ApplyRequest;
import io.shardraft.api.v1.ApplyResponse;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.LastAppliedIndexRequest;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.ShardReplicationServiceGrpc;
import io.shardraft.api.v1.ShardReplicationServiceGrpc.ShardReplicationServiceBlockingStub;
import io.shardraft.cluster.data.RaftSettings;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShardReplicationService on the wire: statuses for bad input, leader hints, batches; the cluster keeps serving. */
class ShardReplicationServiceTest {
    private static final String INDEX = "things";
    private static final int MAX_COMMAND = 8 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    InProcessCluster cluster;
    ManagedChannel channel;
    String leader;
    String follower;

    @BeforeEach
    void start() {
        RaftSettings settings = InProcessCluster.testSettings().toBuilder()
                .maxCommandBytes(MAX_COMMAND).maxMessageBytes(1024 * 1024).build();
        cluster = new InProcessCluster(dir, 3, settings, (i, s, d) -> new MemoryHostShard());
        cluster.startAll();
        cluster.createIndex(INDEX, 1);
        leader = cluster.awaitLeader(INDEX, shardName(0), WAIT);
        follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        channel = channelTo(leader);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        cluster.close();
    }

    private ManagedChannel channelTo(String node) {
        var a = cluster.address(node);
        return NettyChannelBuilder.forAddress(a.host(), a.grpcPort()).usePlaintext().build();
    }

    private static ShardReplicationServiceBlockingStub stub(ManagedChannel ch) {
        return ShardReplicationServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static Command put(String props) {
        return Command.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setPut(PutObject.newBuilder().setObject(ObjectData.newBuilder()
                        .setId(UUID.randomUUID().toString()).setPropertiesJson(props))).build();
    }

    private static ApplyRequest request(String index, String shard, ByteString command) {
        return ApplyRequest.newBuilder().setIndex(index).setShard(shard).setCommand(command).build();
    }

    private StatusRuntimeException rejected(ApplyRequest r) {
        return assertThrows(StatusRuntimeException.class, () -> stub(channel).apply(r));
    }

    @Test
    void unknownIndexOrShardIsNotFoundWithTheNames() {
        StatusRuntimeException e = rejected(request("nosuchindex", shardName(0), put("{}").toByteString()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("nosuchindex"), e.getStatus().getDescription());

        e = rejected(request(INDEX, "shard-9", put("{}").toByteString()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("shard-9")
                && e.getStatus().getDescription().contains(INDEX), e.getStatus().getDescription());
        assertServing();
    }

    @Test
    void oversizedMalformedEmptyAndBadlyNamedCommandsAreInvalidArguments() {
        String big = "{\"blob\":\"" + "x".repeat(MAX_COMMAND) + "\"}";
        StatusRuntimeException e = rejected(request(INDEX, shardName(0), put(big).toByteString()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("limit is " + MAX_COMMAND), e.getStatus().getDescription());

        e = rejected(request(INDEX, shardName(0), ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02})));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("not a valid shardraft.v1.Command"));

        e = rejected(request(INDEX, shardName(0), Command.newBuilder().setRequestId("r").build().toByteString()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("no operation"));

        e = rejected(request(INDEX, shardName(0), ByteString.EMPTY));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());

        e = rejected(request("bad/name", shardName(0), put("{}").toByteString()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("bad/name"));

        // the local path (Router on the leader) enforces the same limit, without retrying
        var f = cluster.registry(leader).router(INDEX).submit(shardName(0), put(big));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
        assertEquals(Reason.INVALID_ARGUMENT, ReplicationException.find(ex).orElseThrow().reason());
        assertServing();
    }

    @Test
    void aFollowerAnswersNotLeaderWithTheLeadersNodeId() throws InterruptedException {
        ManagedChannel toFollower = channelTo(follower);
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> stub(toFollower).apply(request(INDEX, shardName(0), put("{}").toByteString())));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertEquals("NOT_LEADER", e.getTrailers().get(GrpcErrors.ERROR_KEY));
            assertEquals(leader, e.getTrailers().get(GrpcErrors.LEADER_KEY));
            assertTrue(e.getStatus().getDescription().contains(leader));
        } finally {
            toFollower.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        // the client maps it back to the same exception
        ReplicationException re = GrpcErrors.fromStatus(GrpcErrors.toStatus(
                ReplicationException.notLeader("x", java.util.Optional.of(leader))), "t");
        assertEquals(Reason.NOT_LEADER, re.reason());
        assertEquals(leader, re.leaderHint().orElseThrow());
    }

    @Test
    void batchAppliesEachCommandAndLastAppliedIndexReportsTheLeaders() {
        ApplyBatchRequest.Builder b = ApplyBatchRequest.newBuilder().setIndex(INDEX).setShard(shardName(0));
        for (int i = 0; i < 5; i++) {
            b.addCommands(put("{\"i\":" + i + "}").toByteString());
        }
        ApplyBatchResponse r = stub(channel).applyBatch(b.build());
        assertEquals(5, r.getOutcomesCount());
        long last = 0;
        for (var o : r.getOutcomesList()) {
            assertEquals(0, o.getErrorCode());
            assertEquals(ItemStatus.ITEM_OK, o.getResult().getItems(0).getStatus());
            assertTrue(o.getResult().getLogIndex() > last, "entries are appended in order");
            last = o.getResult().getLogIndex();
        }
        long applied = stub(channel).lastAppliedIndex(LastAppliedIndexRequest.newBuilder()
                .setIndex(INDEX).setShard(shardName(0)).build()).getAppliedIndex();
        assertTrue(applied >= last);
        assertEquals(5, cluster.memoryShard(leader, INDEX, shardName(0)).count());

        // one malformed command rejects the whole batch before anything is proposed
        ApplyBatchRequest bad = b.addCommands(ByteString.copyFromUtf8("garbage!")).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub(channel).applyBatch(bad));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("commands[5]"));
        assertEquals(5, cluster.memoryShard(leader, INDEX, shardName(0)).count());
    }

    private void assertServing() {
        ApplyResponse ok = stub(channel).apply(request(INDEX, shardName(0), put("{\"ok\":true}").toByteString()));
        assertEquals(ItemStatus.ITEM_OK, ok.getResult().getItems(0).getStatus());
    }
}

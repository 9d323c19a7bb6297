package io.shardraft.cluster.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

    @Test
    void everyReasonSurvivesTheWireWithItsMessage() {
        for (Reason reason : Reason.values()) {
            ReplicationException sent = new ReplicationException(reason, "m-" + reason, "node7", null);
            var status = GrpcErrors.toStatus(new CompletionException(sent));
            assertEquals(GrpcErrors.code(reason), status.getStatus().getCode());
            ReplicationException back = GrpcErrors.fromStatus(status, "127.0.0.1:1");
            assertEquals(reason, back.reason());
            assertEquals("m-" + reason, back.getMessage());
            assertEquals("node7", back.leaderHint().orElseThrow());
        }
    }

    @Test
    void transportFailuresWithoutOurMetadataAreMappedByCodeAndNameTheTarget() {
        ReplicationException e = GrpcErrors.fromStatus(Status.UNAVAILABLE.withDescription("io exception")
                .asRuntimeException(), "127.0.0.1:4242");
        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("127.0.0.1:4242"), e.getMessage());
        assertEquals(Reason.DEADLINE_EXCEEDED,
                GrpcErrors.fromStatus(Status.DEADLINE_EXCEEDED.asRuntimeException(), "t").reason());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, GrpcErrors.toStatus(
                new ReplicationException(Reason.RESOURCE_EXHAUSTED, "full")).getStatus().getCode());
        assertEquals(Status.Code.INTERNAL, GrpcErrors.toStatus(new IllegalStateException("bug")).getStatus().getCode());
    }

    @Test
    void aConnectionClosedUnderACallIsUnavailableWhateverCodeGrpcGaveIt() {
        // what grpc-java 1.83 answers for about one call in eight when a proxy is disabled under it
        ReplicationException closed = GrpcErrors.fromStatus(Status.INTERNAL.withDescription("channel closed")
                .withCause(new java.nio.channels.ClosedChannelException()).asRuntimeException(), "127.0.0.1:4242");
        assertEquals(Reason.UNAVAILABLE, closed.reason());
        assertTrue(closed.getMessage().contains("channel closed"), closed.getMessage());
        assertTrue(!closed.notApplied(), "the request may have reached the peer before the connection closed");
        assertEquals(Reason.UNAVAILABLE, GrpcErrors.fromStatus(Status.UNKNOWN.withDescription("channel closed")
                .withCause(new java.io.IOException("x", new java.nio.channels.ClosedChannelException()))
                .asRuntimeException(), "t").reason());
        // a peer's own INTERNAL (a bug there, no I/O cause) stays INTERNAL
        assertEquals(Reason.INTERNAL, GrpcErrors.fromStatus(Status.INTERNAL.withDescription("boom")
                .withCause(new IllegalStateException("bug")).asRuntimeException(), "t").reason());
        assertEquals(Reason.INTERNAL, GrpcErrors.fromStatus(Status.INTERNAL.withDescription("boom")
                .asRuntimeException(), "t").reason());
    }

    @Test
    void whetherAWriteCertainlyHadNoEffectSurvivesTheWire() {
        ReplicationException refused = ReplicationException.unavailableNotApplied("group not running");
        assertTrue(GrpcErrors.fromStatus(GrpcErrors.toStatus(refused), "t").notApplied());
        ReplicationException ambiguous = ReplicationException.unavailable("leadership changed while proposing");
        assertTrue(!GrpcErrors.fromStatus(GrpcErrors.toStatus(ambiguous), "t").notApplied(),
                "an ambiguous failure must not look safe to send again");
        assertTrue(GrpcErrors.fromStatus(GrpcErrors.toStatus(
                ReplicationException.notLeader("x", java.util.Optional.empty())), "t").notApplied());
        // transport: a refused connection never sent anything; a broken one may have
        assertTrue(GrpcErrors.fromStatus(Status.UNAVAILABLE.withCause(new java.net.ConnectException("refused"))
                .asRuntimeException(), "t").notApplied());
        assertTrue(!GrpcErrors.fromStatus(Status.UNAVAILABLE.withDescription("Network closed for unknown reason")
                .asRuntimeException(), "t").notApplied());
        assertTrue(!GrpcErrors.fromStatus(Status.DEADLINE_EXCEEDED.asRuntimeException(), "t").notApplied());
    }
}

package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusMessagesTest {
    private static final HostPort NODE = HostPort.parse("127.0.0.1:7001");

    @Test
    void aConnectionClosedUnderTheCallSaysTheNodeIsUnavailable() {
        // gRPC-Java's INTERNAL "channel closed" for a connection that closed under the call (grpc/grpc-java#10120)
        String line = StatusMessages.describe(Status.INTERNAL.withDescription("channel closed")
                .withCause(new ClosedChannelException()).asRuntimeException(), NODE, Duration.ofSeconds(5));
        assertEquals("node 127.0.0.1:7001 is unavailable: channel closed", line);
    }

    @Test
    void aNodesOwnInternalErrorKeepsItsMessage() {
        assertEquals("disk on fire", StatusMessages.describe(Status.INTERNAL.withDescription("disk on fire")
                .asRuntimeException(), NODE, Duration.ofSeconds(5)));
        assertEquals("no answer from node 127.0.0.1:7001 within 5 s (raise --timeout)", StatusMessages.describe(
                Status.DEADLINE_EXCEEDED.asRuntimeException(), NODE, Duration.ofSeconds(5)));
    }
}

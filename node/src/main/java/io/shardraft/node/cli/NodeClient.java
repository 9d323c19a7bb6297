package io.shardraft.node.cli;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.shardraft.api.v1.AdminServiceGrpc;
import io.shardraft.api.v1.IndexServiceGrpc;
import io.shardraft.api.v1.ObjectServiceGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One plaintext gRPC channel to one node; every stub it hands out carries a fresh deadline. */
final class NodeClient implements AutoCloseable {

    /** Large enough for the biggest batch or exported object the CLI handles. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final HostPort address;
    private final Duration timeout;
    private final ManagedChannel channel;

    NodeClient(HostPort address, Duration timeout) {
        this.address = address;
        this.timeout = timeout;
        this.channel = Grpc.newChannelBuilderForAddress(address.host(), address.port(),
                        InsecureChannelCredentials.create())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .userAgent("shardraft-cli")
                .build();
    }

    HostPort address() {
        return address;
    }

    Duration timeout() {
        return timeout;
    }

    IndexServiceGrpc.IndexServiceBlockingStub indexes() {
        return IndexServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    ObjectServiceGrpc.ObjectServiceBlockingStub objects() {
        return ObjectServiceGrpc.newBlockingStub(channel)
                .withMaxOutboundMessageSize(MAX_MESSAGE_BYTES)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    AdminServiceGrpc.AdminServiceBlockingStub admin() {
        return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The standard health status of the whole server (service ""), with its own short deadline. */
    ServingStatus health(Duration deadline) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService("").build())
                .getStatus();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.shardraft.bench;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.AdminServiceGrpc;
import io.shardraft.api.v1.ClusterStatusRequest;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.IndexServiceGrpc;
import io.shardraft.api.v1.NodeStatus;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.node.client.PutCoalescer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One plaintext gRPC channel per node of the cluster, found by asking a seed node for the cluster status. Every
 * stub handed out carries a fresh deadline of {@code timeout}.
 */
final class ClusterConnection implements AutoCloseable {

    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private final Map<String, Address> addresses = new LinkedHashMap<>();
    private final Map<String, PutCoalescer> coalescers = new ConcurrentHashMap<>();
    private final Duration timeout;

    private ClusterConnection(Duration timeout) {
        this.timeout = timeout;
    }

    /** Connects to every node the first answering seed knows of. */
    static ClusterConnection open(List<Address> seeds, Duration timeout) {
        StatusRuntimeException last = null;
        for (Address seed : seeds) {
            ManagedChannel channel = channel(seed);
            try {
                ClusterStatusResponse status = AdminServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .clusterStatus(ClusterStatusRequest.getDefaultInstance());
                ClusterConnection c = new ClusterConnection(timeout);
                for (NodeStatus n : status.getNodesList()) {
                    Address a = Address.parse(n.getClientAddress());
                    c.addresses.put(n.getNodeId(), a);
                    c.channels.put(n.getNodeId(), a.equals(seed) ? channel : channel(a));
                }
                if (!c.channels.containsValue(channel)) {
                    channel.shutdownNow();
                }
                if (c.channels.isEmpty()) {
                    throw new IllegalStateException(seed + " reported no nodes");
                }
                return c;
            } catch (StatusRuntimeException e) {
                channel.shutdownNow();
                last = e;
            }
        }
        throw new IllegalStateException("no node answered at " + seeds + (last == null ? ""
                : ": " + last.getStatus().getCode() + (last.getStatus().getDescription() == null ? ""
                : " " + last.getStatus().getDescription())), last);
    }

    private static ManagedChannel channel(Address a) {
        return Grpc.newChannelBuilderForAddress(a.host(), a.port(), InsecureChannelCredentials.create())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .userAgent("shardraft-bench")
                .build();
    }

    /** Node ids in the cluster's order. */
    List<String> nodeIds() {
        return new ArrayList<>(channels.keySet());
    }

    Address address(String node) {
        return addresses.get(node);
    }

    Duration timeout() {
        return timeout;
    }

    IndexServiceGrpc.IndexServiceBlockingStub indexes(String node) {
        return IndexServiceGrpc.newBlockingStub(require(node)).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    ObjectServiceGrpc.ObjectServiceBlockingStub objects(String node) {
        return ObjectServiceGrpc.newBlockingStub(require(node))
                .withMaxOutboundMessageSize(MAX_MESSAGE_BYTES)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The node's put coalescer (one per node, made on first use), its calls with this connection's deadline. Its
     * callbacks only complete futures and start the next call, so they run on the transport's thread (no hop to
     * gRPC's executor before the waiting client is woken).
     */
    PutCoalescer coalescer(String node) {
        return coalescers.computeIfAbsent(node, n -> new PutCoalescer(ObjectServiceGrpc.newFutureStub(require(n))
                .withExecutor(MoreExecutors.directExecutor()).withMaxOutboundMessageSize(MAX_MESSAGE_BYTES),
                PutCoalescer.Settings.DEFAULT.withCallTimeout(timeout)));
    }

    /** Puts per call of the coalescers so far, all nodes together (NaN before any call). */
    double putsPerCall() {
        long calls = coalescers.values().stream().mapToLong(PutCoalescer::calls).sum();
        return calls == 0 ? Double.NaN
                : (double) coalescers.values().stream().mapToLong(PutCoalescer::sentPuts).sum() / calls;
    }

    private ManagedChannel require(String node) {
        ManagedChannel c = channels.get(node);
        if (c == null) {
            throw new IllegalArgumentException("unknown node " + node);
        }
        return c;
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

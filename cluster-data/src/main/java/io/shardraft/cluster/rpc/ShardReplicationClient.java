package io.shardraft.cluster.rpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.shardraft.api.v1.ApplyBatchRequest;
import io.shardraft.api.v1.ApplyRequest;
import io.shardraft.api.v1.BatchEntryOutcome;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.LastAppliedIndexRequest;
import io.shardraft.api.v1.ShardReplicationServiceGrpc;
import io.shardraft.api.v1.ShardReplicationServiceGrpc.ShardReplicationServiceFutureStub;
import io.shardraft.cluster.data.LeaderForwarder;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.data.RegistryConfig;
import io.shardraft.cluster.error.ReplicationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The node's client of other nodes' ShardReplicationService: one {@link ManagedChannel} per peer,
 * created on first use and kept for the client's life; every call carries a deadline.
 */
public final class ShardReplicationClient implements LeaderForwarder {
    private final int maxMessageBytes;
    private final java.util.Map<String, NodeAddress> routes;
    private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ShardReplicationClient(int maxMessageBytes) {
        this(maxMessageBytes, java.util.Map.of());
    }

    /** @param routes a peer's own gRPC target ({@code host:port}) → where to connect instead */
    public ShardReplicationClient(int maxMessageBytes, java.util.Map<String, NodeAddress> routes) {
        this.maxMessageBytes = maxMessageBytes;
        this.routes = java.util.Map.copyOf(routes);
    }

    /** The {@link io.shardraft.cluster.data.RpcClientMaker} for a Registry (its peer routes included). */
    public static ShardReplicationClient forRegistry(RegistryConfig config) {
        java.util.Map<String, NodeAddress> routes = new java.util.HashMap<>();
        config.peerRoutes().dial().forEach((peer, dial) -> routes.put(
                config.addressResolver().resolve(peer).orElseThrow().grpcTarget(), dial));
        return new ShardReplicationClient(config.settings().maxMessageBytes(), routes);
    }

    /** The one channel to a peer's gRPC server, for this and any other service the node calls there. */
    public ManagedChannel channel(NodeAddress peer) {
        if (closed) {
            throw ReplicationException.unavailable("replication client is closed");
        }
        NodeAddress target = routes.getOrDefault(peer.grpcTarget(), peer);
        return channels.computeIfAbsent(target.grpcTarget(), t -> NettyChannelBuilder
                .forAddress(target.host(), target.grpcPort())
                .usePlaintext()
                .maxInboundMessageSize(maxMessageBytes)
                // Responses complete futures whose continuations only hand results on (never block): run them on
                // the transport's thread instead of hopping to gRPC's executor, a thread switch per forwarded call.
                .directExecutor()
                .build());
    }

    private ShardReplicationServiceFutureStub stub(NodeAddress target, Duration timeout) {
        return ShardReplicationServiceGrpc.newFutureStub(channel(target))
                .withMaxOutboundMessageSize(maxMessageBytes)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<CommandResult> apply(NodeAddress leader, String index, String shard, Command command,
            Duration timeout) {
        return call(leader, timeout, s -> s.apply(ApplyRequest.newBuilder()
                .setIndex(index).setShard(shard).setCommand(command.toByteString()).build()))
                .thenApply(r -> r.getResult());
    }

    @Override
    public List<CompletableFuture<CommandResult>> applyBatch(NodeAddress leader, String index, String shard,
            List<Command> commands, Duration timeout) {
        ApplyBatchRequest.Builder req = ApplyBatchRequest.newBuilder().setIndex(index).setShard(shard);
        List<CompletableFuture<CommandResult>> out = new ArrayList<>(commands.size());
        for (Command c : commands) {
            req.addCommands(c.toByteString());
            out.add(new CompletableFuture<>());
        }
        call(leader, timeout, s -> s.applyBatch(req.build())).whenComplete((response, error) -> {
            if (error == null && response.getOutcomesCount() != commands.size()) {
                error = new ReplicationException(ReplicationException.Reason.INTERNAL, "leader " + leader.grpcTarget()
                        + " answered " + response.getOutcomesCount() + " outcomes for " + commands.size()
                        + " commands", null, null, false);
            }
            for (int i = 0; i < out.size(); i++) {
                if (error != null) {
                    out.get(i).completeExceptionally(error);
                } else {
                    complete(out.get(i), response.getOutcomes(i), leader);
                }
            }
        });
        return out;
    }

    private static void complete(CompletableFuture<CommandResult> f, BatchEntryOutcome o, NodeAddress leader) {
        if (o.getErrorCode() == Status.Code.OK.value()) {
            f.complete(o.getResult());
            return;
        }
        f.completeExceptionally(GrpcErrors.fromOutcome(o, leader.grpcTarget()));
    }

    @Override
    public CompletableFuture<Long> lastAppliedIndex(NodeAddress leader, String index, String shard, Duration timeout) {
        return call(leader, timeout, s -> s.lastAppliedIndex(LastAppliedIndexRequest.newBuilder()
                .setIndex(index).setShard(shard).build()))
                .thenApply(r -> r.getAppliedIndex());
    }

    private <T> CompletableFuture<T> call(NodeAddress target, Duration timeout,
            Function<ShardReplicationServiceFutureStub, ListenableFuture<T>> rpc) {
        CompletableFuture<T> out = new CompletableFuture<>();
        ListenableFuture<T> f;
        // Not in the caller's gRPC context: a call made while serving a client request would inherit that request's
        // cancellation, and a forwarded call may carry other requests' writes (ForwardCoalescer) or be sent from
        // the completion of an earlier call, whose request has ended (its context cancelled) by then.
        Context forked = Context.current().fork();
        Context previous = forked.attach();
        try {
            f = rpc.apply(stub(target, timeout));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e instanceof ReplicationException ? e
                    : GrpcErrors.fromStatus(e, target.grpcTarget()));
        } finally {
            forked.detach(previous);
        }
        Futures.addCallback(f, new FutureCallback<>() {
            @Override
            public void onSuccess(T result) {
                out.complete(result);
            }

            @Override
            public void onFailure(Throwable t) {
                out.completeExceptionally(GrpcErrors.fromStatus(t, target.grpcTarget()));
            }
        }, MoreExecutors.directExecutor());
        return out;
    }

    @Override
    public void close() {
        closed = true;
        for (ManagedChannel ch : channels.values()) {
            ch.shutdown();
        }
        for (ManagedChannel ch : channels.values()) {
            try {
                if (!ch.awaitTermination(2, TimeUnit.SECONDS)) {
                    ch.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ch.shutdownNow();
            }
        }
        channels.clear();
    }
}

package io.shardraft.node.api;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.error.ReplicationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends the part of a client request that touches shards without a replica on this node to a node that
 * has one (indexes with fewer replicas than nodes). A forwarded call carries the header
 * {@code shardraft-forwarded}; a node never forwards such a call again, so a request makes one hop at most.
 */
final class Forwarding {
    static final Metadata.Key<String> FORWARDED = Metadata.Key.of("shardraft-forwarded", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<Boolean> IS_FORWARDED = Context.key("shardraft-forwarded");

    private final String self;
    private final Map<String, NodeAddress> peers;
    private final Function<NodeAddress, ManagedChannel> channels;
    private final Duration timeout;

    Forwarding(String self, Map<String, NodeAddress> peers, Function<NodeAddress, ManagedChannel> channels,
            Duration timeout) {
        this.self = self;
        this.peers = Map.copyOf(peers);
        this.channels = channels;
        this.timeout = timeout;
    }

    /** Marks calls that another node forwarded here. */
    static ServerInterceptor marker() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                Context ctx = Context.current().withValue(IS_FORWARDED, headers.containsKey(FORWARDED));
                return Contexts.interceptCall(ctx, call, headers, next);
            }
        };
    }

    static boolean isForwarded() {
        return Boolean.TRUE.equals(IS_FORWARDED.get());
    }

    ObjectServiceGrpc.ObjectServiceFutureStub stub(String node) {
        Metadata md = new Metadata();
        md.put(FORWARDED, self);
        return ObjectServiceGrpc.newFutureStub(channels.apply(peers.get(node)))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    ObjectServiceGrpc.ObjectServiceBlockingStub blockingStub(String node) {
        Metadata md = new Metadata();
        md.put(FORWARDED, self);
        return ObjectServiceGrpc.newBlockingStub(channels.apply(peers.get(node)))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Calls the first of {@code replicas} (other than this node) that answers; a replica that is
     * unavailable is skipped for the next. Fails with the last error, or UNAVAILABLE if none was tried.
     */
    <T> CompletableFuture<T> toReplica(List<String> replicas, Function<ObjectServiceGrpc.ObjectServiceFutureStub,
            ListenableFuture<T>> call) {
        if (isForwarded()) {
            return CompletableFuture.failedFuture(ReplicationException.unavailable(
                    "node " + self + " has no replica of the shard this forwarded request needs"));
        }
        List<String> targets = new ArrayList<>(replicas);
        targets.remove(self);
        CompletableFuture<T> out = new CompletableFuture<>();
        attempt(targets, 0, call, null, out);
        return out;
    }

    private <T> void attempt(List<String> targets, int i, Function<ObjectServiceGrpc.ObjectServiceFutureStub,
            ListenableFuture<T>> call, Throwable last, CompletableFuture<T> out) {
        if (i >= targets.size()) {
            out.completeExceptionally(last != null ? last : ReplicationException.unavailable(
                    "no other replica to forward to"));
            return;
        }
        Futures.addCallback(call.apply(stub(targets.get(i))), new FutureCallback<>() {
            @Override
            public void onSuccess(T result) {
                out.complete(result);
            }

            @Override
            public void onFailure(Throwable t) {
                Status.Code code = t instanceof StatusRuntimeException s ? s.getStatus().getCode() : Status.Code.UNKNOWN;
                if (code == Status.Code.UNAVAILABLE) {
                    attempt(targets, i + 1, call, t, out);
                } else {
                    out.completeExceptionally(t);
                }
            }
        }, MoreExecutors.directExecutor());
    }
}

package io.shardraft.cluster.testing;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the gRPC calls a server receives, by method name (e.g. "Apply"). */
public final class CallCounter implements ServerInterceptor {
    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        counts.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
        return next.startCall(call, headers);
    }

    public long count(String method) {
        AtomicLong c = counts.get(method);
        return c == null ? 0 : c.get();
    }
}

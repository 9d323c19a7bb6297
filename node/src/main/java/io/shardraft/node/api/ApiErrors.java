package io.shardraft.node.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.rpc.GrpcErrors;
import io.shardraft.node.meta.MetadataConflictException;
import io.shardraft.node.store.ObjectValidationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Every client API failure as a gRPC status with a message a person can act on. */
final class ApiErrors {
    private static final Logger LOG = LogManager.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    static StatusRuntimeException toStatus(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (ReplicationException.find(c).isPresent()) {
            return GrpcErrors.toStatus(c);
        }
        if (c instanceof ObjectValidationException || c instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(c.getMessage()).asRuntimeException();
        }
        if (c instanceof MetadataConflictException) {
            return Status.ALREADY_EXISTS.withDescription(c.getMessage()).asRuntimeException();
        }
        LOG.error("unexpected failure in a client call", c);
        return Status.INTERNAL.withDescription(String.valueOf(c)).asRuntimeException();
    }

    /** Completes the call with the future's value (mapped) or its failure as a status. */
    static <T, R> void reply(StreamObserver<R> out, CompletableFuture<T> future, Function<T, R> map) {
        future.whenComplete((v, e) -> {
            if (e != null) {
                out.onError(toStatus(e));
                return;
            }
            R response;
            try {
                response = map.apply(v);
            } catch (RuntimeException ex) {
                out.onError(toStatus(ex));
                return;
            }
            out.onNext(response);
            out.onCompleted();
        });
    }

    /** Runs a call body that may throw before it produces a future. */
    static <T, R> void call(StreamObserver<R> out, java.util.function.Supplier<CompletableFuture<T>> body,
            Function<T, R> map) {
        CompletableFuture<T> f;
        try {
            f = body.get();
        } catch (RuntimeException e) {
            out.onError(toStatus(e));
            return;
        }
        reply(out, f, map);
    }
}

package io.shardraft.node.api;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.shardraft.api.v1.AdminServiceGrpc;
import io.shardraft.api.v1.IndexServiceGrpc;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.ShardReplicationServiceGrpc;
import java.util.List;
import org.junit.jupiter.api.Test;

class InlineWriteCallsTest {
    private final InlineWriteCalls calls = new InlineWriteCalls();

    @Test
    void writesRunOnTheTransportThreadAndEverythingThatReadsOrWaitsKeepsTheExecutor() {
        for (MethodDescriptor<?, ?> write : List.of(ObjectServiceGrpc.getPutMethod(), ObjectServiceGrpc.getMergeMethod(),
                ObjectServiceGrpc.getDeleteMethod(), ObjectServiceGrpc.getBatchPutMethod(),
                ObjectServiceGrpc.getBatchDeleteMethod(), ShardReplicationServiceGrpc.getApplyMethod(),
                ShardReplicationServiceGrpc.getApplyBatchMethod())) {
            assertSame(MoreExecutors.directExecutor(), calls.getExecutor(call(write), new Metadata()),
                    write.getFullMethodName());
        }
        for (MethodDescriptor<?, ?> other : List.of(ObjectServiceGrpc.getGetMethod(),
                ObjectServiceGrpc.getSearchMethod(), ObjectServiceGrpc.getCountMethod(),
                ObjectServiceGrpc.getExportMethod(), IndexServiceGrpc.getCreateIndexMethod(),
                AdminServiceGrpc.getClusterStatusMethod(), ShardReplicationServiceGrpc.getLastAppliedIndexMethod())) {
            assertNull(calls.getExecutor(call(other), new Metadata()), other.getFullMethodName());
        }
    }

    private static <ReqT, RespT> ServerCall<ReqT, RespT> call(MethodDescriptor<ReqT, RespT> method) {
        return new ServerCall<>() {
            @Override
            public void request(int numMessages) {
            }

            @Override
            public void sendHeaders(Metadata headers) {
            }

            @Override
            public void sendMessage(RespT message) {
            }

            @Override
            public void close(Status status, Metadata trailers) {
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public Attributes getAttributes() {
                return Attributes.EMPTY;
            }

            @Override
            public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
                return method;
            }
        };
    }
}

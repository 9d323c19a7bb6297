package io.shardraft.node.api;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.ShardReplicationServiceGrpc;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Which calls a node's gRPC server runs on its transport threads instead of handing them to its call executor.
 *
 * <p>By default gRPC-Java runs every call's handler on a cached thread pool: a put arrives on a Netty event loop, is
 * handed to a pool thread (a wake-up), which validates it and proposes it to JRaft, and its answer comes later from
 * JRaft's closure thread anyway. The write calls below never block (JRaft's apply queue refuses with EBUSY when full,
 * a forward to a leader is an asynchronous call, and an index not known yet is waited for asynchronously), so
 * they run on the event loop that read them, and the hop is gone: at put@64 on the 2-core machine the call executor
 * threads took 6-7% of a core per node. Reads and everything else keep the executor: an EVENTUAL read or a kNN
 * search reads the store in the handler, and admin calls wait on their peers.
 */
public final class InlineWriteCalls implements ServerCallExecutorSupplier {
    /** Full method names of the calls that run inline. */
    static final Set<String> INLINE = Set.of(
            ObjectServiceGrpc.getPutMethod().getFullMethodName(),
            ObjectServiceGrpc.getMergeMethod().getFullMethodName(),
            ObjectServiceGrpc.getDeleteMethod().getFullMethodName(),
            ObjectServiceGrpc.getBatchPutMethod().getFullMethodName(),
            ObjectServiceGrpc.getBatchDeleteMethod().getFullMethodName(),
            ShardReplicationServiceGrpc.getApplyMethod().getFullMethodName(),
            ShardReplicationServiceGrpc.getApplyBatchMethod().getFullMethodName());

    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
        return INLINE.contains(call.getMethodDescriptor().getFullMethodName()) ? MoreExecutors.directExecutor() : null;
    }
}

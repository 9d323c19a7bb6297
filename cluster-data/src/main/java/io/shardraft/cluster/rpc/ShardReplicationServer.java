package io.shardraft.cluster.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.stub.StreamObserver;
import io.shardraft.api.v1.ApplyBatchRequest;
import io.shardraft.api.v1.ApplyBatchResponse;
import io.shardraft.api.v1.ApplyRequest;
import io.shardraft.api.v1.ApplyResponse;
import io.shardraft.api.v1.BatchEntryOutcome;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.LastAppliedIndexRequest;
import io.shardraft.api.v1.LastAppliedIndexResponse;
import io.shardraft.api.v1.ShardReplicationServiceGrpc;
import io.shardraft.cluster.data.Names;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.data.ShardStore;
import io.shardraft.cluster.error.ReplicationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Serves ShardReplicationService from the node's {@link Registry}: a forwarded command is checked
 * (size, then syntax) before it can reach a log, then applied through the shard's store as if it had
 * been sent here directly, except that the host shard admits it first ({@code ShardStore.applyFromPeer}): a
 * caller's {@code admitted} mark is never trusted.
 */
public final class ShardReplicationServer extends ShardReplicationServiceGrpc.ShardReplicationServiceImplBase {
    private static final Logger LOG = LogManager.getLogger("shard_replication_server");

    private final Registry registry;
    private final AtomicLong applied = new AtomicLong();

    public ShardReplicationServer(Registry registry) {
        this.registry = registry;
    }

    /** Commands this server has accepted for proposal (single and batched). */
    public long acceptedCommands() {
        return applied.get();
    }

    @Override
    public void apply(ApplyRequest request, StreamObserver<ApplyResponse> out) {
        CompletableFuture<CommandResult> f;
        try {
            ShardStore store = store(request.getIndex(), request.getShard());
            Command command = decode(request.getCommand(), store.config().settings().maxCommandBytes(), "command");
            applied.incrementAndGet();
            f = store.applyFromPeer(command);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((result, error) -> {
            if (error != null) {
                out.onError(GrpcErrors.toStatus(error));
            } else {
                out.onNext(ApplyResponse.newBuilder().setResult(result).build());
                out.onCompleted();
            }
        });
    }

    @Override
    public void applyBatch(ApplyBatchRequest request, StreamObserver<ApplyBatchResponse> out) {
        ShardStore store;
        List<Command> commands = new ArrayList<>();
        try {
            store = store(request.getIndex(), request.getShard());
            if (request.getCommandsCount() == 0) {
                throw ReplicationException.invalid("batch for " + request.getIndex() + "/" + request.getShard()
                        + " has no commands");
            }
            int max = store.config().settings().maxCommandBytes();
            for (int i = 0; i < request.getCommandsCount(); i++) {
                commands.add(decode(request.getCommands(i), max, "commands[" + i + "]"));
            }
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        List<CompletableFuture<BatchEntryOutcome>> outcomes = new ArrayList<>(commands.size());
        for (Command c : commands) {
            applied.incrementAndGet();
            outcomes.add(store.applyFromPeer(c).handle((r, e) -> e == null
                    ? BatchEntryOutcome.newBuilder().setResult(r).build()
                    : failure(e)));
        }
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            ApplyBatchResponse.Builder b = ApplyBatchResponse.newBuilder();
            outcomes.forEach(o -> b.addOutcomes(o.join()));
            out.onNext(b.build());
            out.onCompleted();
        });
    }

    private static BatchEntryOutcome failure(Throwable e) {
        var status = GrpcErrors.toStatus(e);
        ReplicationException re = ReplicationException.find(e).orElse(null);
        return BatchEntryOutcome.newBuilder()
                .setErrorCode(status.getStatus().getCode().value())
                .setErrorMessage(String.valueOf(status.getStatus().getDescription()))
                .setLeaderHint(re == null ? "" : re.leaderHint().orElse(""))
                .setErrorReason(re == null ? "" : re.reason().name())
                .setNotApplied(re != null && re.notApplied())
                .build();
    }

    @Override
    public void lastAppliedIndex(LastAppliedIndexRequest request, StreamObserver<LastAppliedIndexResponse> out) {
        try {
            ShardStore store = store(request.getIndex(), request.getShard());
            var stats = store.stats();
            out.onNext(LastAppliedIndexResponse.newBuilder()
                    .setAppliedIndex(store.lastAppliedIndex())
                    .setTerm(Math.max(0, stats.term()))
                    .setLeaderId(stats.leaderId().orElse(""))
                    .build());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    private ShardStore store(String index, String shard) {
        if (index.isEmpty() || shard.isEmpty()) {
            throw ReplicationException.invalid("index and shard are required (got index '" + index + "', shard '"
                    + shard + "')");
        }
        Names.checkName("index", index);
        Names.checkName("shard", shard);
        return registry.requireStore(index, shard);
    }

    /** Size first (never parse what is too large), then syntax, then that it has an operation. */
    static Command decode(ByteString bytes, int maxBytes, String field) {
        if (bytes.size() > maxBytes) {
            throw ReplicationException.invalid(field + " is " + bytes.size() + " bytes; the limit is " + maxBytes);
        }
        if (bytes.isEmpty()) {
            throw ReplicationException.invalid(field + " is empty");
        }
        Command c;
        try {
            c = Command.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw ReplicationException.invalid(field + " is not a valid shardraft.v1.Command: " + e.getMessage());
        }
        if (c.getOpCase() == Command.OpCase.OP_NOT_SET) {
            throw ReplicationException.invalid(field + " has no operation (put, merge, delete, put_batch or "
                    + "delete_batch)");
        }
        return c;
    }
}

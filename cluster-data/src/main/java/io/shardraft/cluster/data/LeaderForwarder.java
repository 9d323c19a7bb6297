package io.shardraft.cluster.data;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends requests to the node that leads a shard (implemented over gRPC by ShardReplicationClient).
 * Futures fail with {@link io.shardraft.cluster.error.ReplicationException}.
 */
public interface LeaderForwarder extends AutoCloseable {

    CompletableFuture<CommandResult> apply(NodeAddress leader, String index, String shard, Command command,
            Duration timeout);

    /** The leader's applied index for the shard. */
    CompletableFuture<Long> lastAppliedIndex(NodeAddress leader, String index, String shard, Duration timeout);

    @Override
    void close();
}

package io.shardraft.cluster.data;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends requests to the node that leads a shard (implemented over gRPC by ShardReplicationClient).
 * Futures fail with {@link io.shardraft.cluster.error.ReplicationException}.
 */
public interface LeaderForwarder extends AutoCloseable {

    CompletableFuture<CommandResult> apply(NodeAddress leader, String index, String shard, Command command,
            Duration timeout);

    /**
     * Proposes several commands to one shard in one call, each its own log entry; one future per command, in
     * order. A failure of the whole call fails every future with it. The default sends them one by one.
     */
    default List<CompletableFuture<CommandResult>> applyBatch(NodeAddress leader, String index, String shard,
            List<Command> commands, Duration timeout) {
        List<CompletableFuture<CommandResult>> out = new ArrayList<>(commands.size());
        for (Command c : commands) {
            out.add(apply(leader, index, shard, c, timeout));
        }
        return out;
    }

    /** The leader's applied index for the shard. */
    CompletableFuture<Long> lastAppliedIndex(NodeAddress leader, String index, String shard, Duration timeout);

    @Override
    void close();
}

package io.shardraft.adapter;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.spi.HostShard;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * How one index's writes and reads reach its shards. Host request handlers use only this interface:
 * an unreplicated index applies directly to its one local shard, a replicated one goes through the
 * Raft Router, and the handler never branches on which.
 */
public interface ShardRouting {

    String index();

    boolean replicated();

    /** Applies the command to the shard (through its Raft group when replicated); the result per item. */
    CompletableFuture<CommandResult> submit(String shard, Command command);

    /** Runs {@code reader} on this node's replica of the shard once it is as fresh as asked. */
    <T> CompletableFuture<T> read(String shard, ReadConsistency consistency, Function<HostShard, T> reader);
}

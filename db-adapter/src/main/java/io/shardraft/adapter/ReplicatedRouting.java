package io.shardraft.adapter;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.data.Router;
import io.shardraft.cluster.spi.HostShard;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Routing for a replicated index: the index's Raft {@link Router}. */
final class ReplicatedRouting implements ShardRouting {
    private final Router router;

    ReplicatedRouting(Router router) {
        this.router = router;
    }

    @Override
    public String index() {
        return router.index();
    }

    @Override
    public boolean replicated() {
        return true;
    }

    Router router() {
        return router;
    }

    @Override
    public CompletableFuture<CommandResult> submit(String shard, Command command) {
        return router.submit(shard, command);
    }

    @Override
    public <T> CompletableFuture<T> read(String shard, ReadConsistency consistency, Function<HostShard, T> reader) {
        return router.read(shard, consistency, reader);
    }
}

package io.shardraft.adapter;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.spi.HostShard;
import io.shardraft.cluster.spi.SubmittedCommand;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Routing for an unreplicated index: each shard has one local replica, and a command is applied to it
 * directly, with a per-shard sequence number standing in for the Raft log index (continuing from the
 * shard's persisted last applied index), so the host shard sees exactly the calls it would see when
 * replicated. Every consistency level reads the one replica.
 */
final class StandaloneRouting implements ShardRouting {
    private final String index;
    private final Clock clock;
    private final Map<String, HostShard> shards = new ConcurrentHashMap<>();

    StandaloneRouting(String index, Clock clock) {
        this.index = index;
        this.clock = clock;
    }

    @Override
    public String index() {
        return index;
    }

    @Override
    public boolean replicated() {
        return false;
    }

    void add(String shard, HostShard host) {
        if (shards.putIfAbsent(shard, host) != null) {
            throw ReplicationException.invalid("shard '" + shard + "' of index '" + index + "' is already loaded");
        }
    }

    HostShard remove(String shard) {
        return shards.remove(shard);
    }

    Map<String, HostShard> shards() {
        return Map.copyOf(shards);
    }

    private HostShard require(String shard) {
        HostShard h = shards.get(shard);
        if (h == null) {
            throw ReplicationException.notFound("shard '" + shard + "' of index '" + index + "' is not loaded");
        }
        return h;
    }

    @Override
    public CompletableFuture<CommandResult> submit(String shard, Command command) {
        try {
            SubmittedCommand.check(command, index + "/" + shard);
            HostShard host = require(shard);
            Command stamped = command.toBuilder().setProposedAtMillis(clock.millis()).build();
            CommandResult result;
            synchronized (host) {
                // one writer per shard, in sequence, like a Raft state machine
                result = host.apply(host.lastAppliedIndex() + 1, stamped);
            }
            return CompletableFuture.completedFuture(result);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(ReplicationException.find(e).orElseGet(() ->
                    new ReplicationException(ReplicationException.Reason.INTERNAL,
                            "shard " + index + "/" + shard + " failed to apply: " + e, null, e)));
        }
    }

    @Override
    public <T> CompletableFuture<T> read(String shard, ReadConsistency consistency, Function<HostShard, T> reader) {
        try {
            return CompletableFuture.completedFuture(reader.apply(require(shard)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.cluster.error.ReplicationException;
import java.util.concurrent.CompletableFuture;

/**
 * The JRaft closure of one proposed command. The state machine completes it with the host's result
 * when the entry is applied on this (leader) replica; JRaft runs it with an error status when the
 * proposal fails (queue full, leadership lost, group stopping).
 */
final class ApplyClosure implements Closure {
    private final Command command;
    private final ShardStore store;
    private final CompletableFuture<CommandResult> future = new CompletableFuture<>();

    ApplyClosure(Command command, ShardStore store) {
        this.command = command;
        this.store = store;
    }

    Command command() {
        return command;
    }

    CompletableFuture<CommandResult> future() {
        return future;
    }

    void succeed(CommandResult result) {
        future.complete(result);
    }

    void fail(ReplicationException e) {
        future.completeExceptionally(e);
    }

    @Override
    public void run(Status status) {
        if (status.isOk()) {
            // The state machine completes successful entries itself; nothing else reports OK.
            return;
        }
        fail(store.statusToException(status, true));
    }
}

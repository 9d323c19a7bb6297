package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.util.concurrent.SingleThreadExecutor;
import com.google.common.util.concurrent.MoreExecutors;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What JRaft's AppendEntries pipeline needs from the executor of one (group, leader) pair, one task after the other in
 * the order given, without a thread of its own: the tasks run on the node's shared pool ({@link AppendEntriesPipelines}),
 * at most one of this pair's at a time.
 */
final class PooledAppendExecutor implements SingleThreadExecutor {
    private final Executor serial;
    private final String pair;
    private volatile boolean shutDown;

    PooledAppendExecutor(Executor pool, String pair) {
        this.serial = MoreExecutors.newSequentialExecutor(pool);
        this.pair = pair;
    }

    @Override
    public void execute(Runnable task) {
        if (shutDown) {
            throw new RejectedExecutionException("the AppendEntries pipeline of " + pair + " was released");
        }
        serial.execute(task);
    }

    /** Takes no new task; the ones already given still run, in order. */
    @Override
    public boolean shutdownGracefully() {
        shutDown = true;
        return true;
    }

    @Override
    public boolean shutdownGracefully(long timeout, TimeUnit unit) {
        return shutdownGracefully();
    }
}

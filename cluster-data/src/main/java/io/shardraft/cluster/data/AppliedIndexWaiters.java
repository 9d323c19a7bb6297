package io.shardraft.cluster.data;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting until a replica has applied a given log index. The state machine calls
 * {@link #advance} after every applied batch; waiters at or below the new index complete.
 */
final class AppliedIndexWaiters {
    private record Waiter(long index, CompletableFuture<Long> future) {
    }

    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.index, b.index));
    private long applied;

    /** A future completing with the applied index once it is at least {@code index}. */
    synchronized CompletableFuture<Long> await(long index) {
        if (applied >= index) {
            return CompletableFuture.completedFuture(applied);
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        waiters.add(new Waiter(index, f));
        return f;
    }

    void advance(long newApplied) {
        PriorityQueue<Waiter> ready = null;
        synchronized (this) {
            if (newApplied <= applied) {
                return;
            }
            applied = newApplied;
            while (!waiters.isEmpty() && waiters.peek().index <= newApplied) {
                if (ready == null) {
                    ready = new PriorityQueue<>(waiters.comparator());
                }
                ready.add(waiters.poll());
            }
        }
        if (ready != null) {
            for (Waiter w : ready) {
                w.future.complete(newApplied);
            }
        }
    }

    /** Forgets waiters that were cancelled or timed out (their futures are done). */
    synchronized void purgeDone() {
        waiters.removeIf(w -> w.future.isDone());
    }

    /** Fails every waiter, e.g. when the store stops. */
    void failAll(RuntimeException cause) {
        PriorityQueue<Waiter> all;
        synchronized (this) {
            all = new PriorityQueue<>(waiters);
            waiters.clear();
        }
        all.forEach(w -> w.future.completeExceptionally(cause));
    }
}

package io.shardraft.bench;

import com.google.common.base.Preconditions;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * N clients, each a thread that sends one request, waits for its answer, records it and sends the next, until
 * {@code maxRequests} requests have been started in all or {@code maxDuration} has passed since the start. The
 * clock is injectable so the statistics can be tested with a synthetic operation and no wall-clock time.
 */
final class ClosedLoop {

    /** One client's operation: performs one request and returns the number of items it carried. */
    @FunctionalInterface
    interface ClientOp {
        int execute() throws OpFailure;
    }

    /** A request that was answered but failed, with the code to count it under (e.g. an item status). */
    static final class OpFailure extends Exception {
        private static final long serialVersionUID = 1L;

        OpFailure(String code) {
            super(code, null, false, false);
        }

        String code() {
            return getMessage();
        }
    }

    /** What the loop recorded and how long it ran. */
    record Result(LatencyRecorder recorder, Duration elapsed) {
    }

    private ClosedLoop() {
    }

    /**
     * Runs {@code clients} clients; {@code opFactory} makes each client's operation (called with the client number),
     * {@code done} counts finished requests for a progress display.
     */
    static Result run(int clients, long maxRequests, Duration maxDuration, IntFunction<ClientOp> opFactory,
            LongSupplier nanoClock, AtomicLong done) throws InterruptedException {
        Preconditions.checkArgument(clients >= 1, "clients must be >= 1");
        Preconditions.checkArgument(maxRequests >= 1, "maxRequests must be >= 1");
        AtomicLong tickets = new AtomicLong();
        long start = nanoClock.getAsLong();
        long deadline = start + maxDuration.toNanos();
        List<LatencyRecorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> crashes = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            LatencyRecorder recorder = new LatencyRecorder();
            recorders.add(recorder);
            ClientOp op = opFactory.apply(c);
            Thread t = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted() && tickets.getAndIncrement() < maxRequests
                        && nanoClock.getAsLong() - deadline < 0) {
                    long t0 = nanoClock.getAsLong();
                    try {
                        int items = op.execute();
                        recorder.success(nanoClock.getAsLong() - t0, items);
                    } catch (OpFailure e) {
                        recorder.error(e.code());
                    } catch (StatusRuntimeException e) {
                        recorder.error(e.getStatus().getCode().name());
                    } catch (RuntimeException e) {
                        recorder.error(e.getClass().getSimpleName());
                    }
                    done.incrementAndGet();
                }
            }, "bench-client-" + c);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> {
                synchronized (crashes) {
                    crashes.add(e);
                }
            });
            threads.add(t);
        }
        threads.forEach(Thread::start);
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
        long elapsed = nanoClock.getAsLong() - start;
        if (!crashes.isEmpty()) {
            throw new IllegalStateException("a client failed: " + crashes.get(0), crashes.get(0));
        }
        LatencyRecorder total = new LatencyRecorder();
        recorders.forEach(total::add);
        return new Result(total, Duration.ofNanos(elapsed));
    }
}

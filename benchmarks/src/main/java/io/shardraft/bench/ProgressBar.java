package io.shardraft.bench;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress bar of the measured phase on stderr, redrawn in place every 200 ms; the command enables it
 * on a terminal only. Progress is the larger of elapsed/duration and requests/ops.
 */
final class ProgressBar implements Progress, AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean enabled;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> drawing;

    ProgressBar(PrintWriter out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
        this.timer = enabled ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    @Override
    public synchronized void phase(String label, int clients, BenchConfig config, AtomicLong done) {
        if (!enabled) {
            return;
        }
        long start = System.nanoTime();
        drawing = timer.scheduleAtFixedRate(() -> draw(render(label, clients, config, done.get(),
                System.nanoTime() - start)), 0, 200, TimeUnit.MILLISECONDS);
    }

    static String render(String label, int clients, BenchConfig config, long done, long elapsedNanos) {
        double byTime = elapsedNanos / (double) config.duration().toNanos();
        double byOps = done / (double) config.maxRequests();
        double f = Math.max(0, Math.min(1, Math.max(byTime, byOps)));
        int filled = (int) (WIDTH * f);
        return String.format(java.util.Locale.ROOT, "%s x%d [%s%s] %3d%% %d requests %.1fs", label, clients,
                "#".repeat(filled), " ".repeat(WIDTH - filled), (int) (100 * f), done, elapsedNanos / 1e9);
    }

    private synchronized void draw(String line) {
        if (drawing == null) {
            return; // the phase ended while this redraw waited
        }
        out.print('\r' + line);
        out.flush();
    }

    @Override
    public synchronized void end() {
        if (drawing != null) {
            drawing.cancel(false);
            drawing = null;
            out.print('\r' + " ".repeat(WIDTH + 60) + '\r');
            out.flush();
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}

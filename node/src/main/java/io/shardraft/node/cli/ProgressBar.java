package io.shardraft.node.cli;

import java.io.PrintWriter;

/** A one-line progress bar redrawn in place; silent unless enabled (the CLI enables it on a terminal only). */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final long total;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    /** {@code total} < 0: unknown, only the count is shown. */
    ProgressBar(PrintWriter out, long total, boolean enabled) {
        this.out = out;
        this.total = total;
        this.enabled = enabled;
    }

    void update(long done) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS && done != total) {
            return;
        }
        lastDraw = now;
        drawn = true;
        out.print('\r' + render(done));
        out.flush();
    }

    String render(long done) {
        if (total <= 0) {
            return done + " objects";
        }
        long clamped = Math.min(done, total);
        int filled = (int) (WIDTH * clamped / total);
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + clamped + "/" + total
                + " (" + (100 * clamped / total) + "%)";
    }

    /** Clears the bar so the next line starts clean. */
    void finish() {
        if (enabled && drawn) {
            out.print('\r' + " ".repeat(WIDTH + 40) + '\r');
            out.flush();
        }
    }
}

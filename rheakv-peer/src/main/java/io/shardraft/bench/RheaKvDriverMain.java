package io.shardraft.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load driver for RheaKV in its own JVM (RheaKV's jraft-core cannot share a JVM with shardraft's):
 * {@code RheaKvDriverMain SERVER_LIST key=value...} connects a RheaKV client, pre-loads the key space and runs
 * {@link PeerLoad} over the configured workloads and client counts, reporting to the bench on stdout in
 * {@link PeerDriverProtocol}'s lines. Exit status 0, or 1 with the error on stderr.
 */
public final class RheaKvDriverMain {

    private RheaKvDriverMain() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        if (args.length < 1) {
            System.err.println("usage: RheaKvDriverMain SERVER_LIST key=value...");
            System.exit(2);
        }
        int code;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "driver-progress");
            t.setDaemon(true);
            return t;
        });
        try {
            CompareConfig config = PeerDriverProtocol.parseConfig(Arrays.asList(args).subList(1, args.length));
            try (RheaKvPeer peer = new RheaKvPeer(args[0], config.timeout())) {
                send(out, "log " + peer.system() + ": " + peer.describe());
                PeerLoad load = new PeerLoad(peer, config, new ProgressLines(out, timer), s -> send(out, "log " + s));
                if (config.workloads().stream().anyMatch(Workload::needsPreload)) {
                    load.preload();
                }
                for (RunStats r : load.runAll()) {
                    send(out, PeerDriverProtocol.resultLine(r));
                }
            }
            code = 0;
        } catch (Exception e) {
            System.err.println("RheaKvDriverMain: " + e);
            e.printStackTrace();
            code = 1;
        } finally {
            timer.shutdownNow();
        }
        out.flush();
        System.exit(code);
    }

    static void send(PrintStream out, String line) {
        synchronized (out) {
            out.println(PeerDriverProtocol.PREFIX + line.replace('\n', ' '));
            out.flush();
        }
    }

    /** Progress of a phase as {@code phase}, {@code done} (every 200 ms) and {@code end} lines. */
    private static final class ProgressLines implements Progress {
        private final PrintStream out;
        private final ScheduledExecutorService timer;
        private ScheduledFuture<?> ticking;

        ProgressLines(PrintStream out, ScheduledExecutorService timer) {
            this.out = out;
            this.timer = timer;
        }

        @Override
        public synchronized void phase(String label, int clients, BenchConfig config, AtomicLong done) {
            send(out, "phase " + clients + " " + label);
            ticking = timer.scheduleAtFixedRate(() -> send(out, "done " + done.get()), 200, 200, TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized void end() {
            if (ticking != null) {
                ticking.cancel(false);
                ticking = null;
            }
            send(out, "end");
        }
    }
}

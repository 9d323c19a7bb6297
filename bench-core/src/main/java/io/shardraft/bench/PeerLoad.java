package io.shardraft.bench;

import io.shardraft.bench.ClosedLoop.ClientOp;
import io.shardraft.bench.ClosedLoop.OpFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The load generator's closed loop ({@link ClosedLoop}, {@link LatencyRecorder}) driving a {@link KvPeer} with the
 * workloads of shardraft's load generator mapped onto key-value operations, with the same payload bytes
 * ({@link Payload#key}, {@link Payload#value}), key space and client counts. {@code search} has no equivalent in
 * a key-value store and is not run ({@link #supports}).
 */
final class PeerLoad {

    private final KvPeer peer;
    private final CompareConfig config;
    private final Progress progress;
    private final Consumer<String> log;
    private final AtomicLong nextObject;

    PeerLoad(KvPeer peer, CompareConfig config, Progress progress, Consumer<String> log) {
        this.peer = peer;
        this.config = config;
        this.progress = progress;
        this.log = log;
        this.nextObject = new AtomicLong(config.keys());
    }

    static boolean supports(Workload w) {
        return w != Workload.SEARCH;
    }

    /** Writes keys 0..keys-1 (what merge, get and mixed read), in batches. */
    void preload() throws OpFailure {
        log.accept(peer.system() + ": pre-loading " + config.keys() + " keys");
        for (int from = 0; from < config.keys(); from += BenchConfig.PRELOAD_BATCH) {
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int n = from; n < Math.min(config.keys(), from + BenchConfig.PRELOAD_BATCH); n++) {
                keys.add(config.payload().key(n));
                values.add(config.payload().value(n));
            }
            peer.putAll(keys, values);
        }
    }

    /** Every supported workload of the configuration at every client count. */
    List<RunStats> runAll() throws InterruptedException {
        List<RunStats> results = new ArrayList<>();
        for (Workload w : config.workloads()) {
            if (!supports(w)) {
                continue;
            }
            if (!config.jitWarmup().isZero()) {
                log.accept(peer.system() + ": warming " + w.cliName() + " up for the JITs with "
                        + config.jitWarmupClients() + " clients");
                warmUp(w, config.jitWarmupClients(), config.jitWarmup());
            }
            for (int c : config.clients()) {
                log.accept(peer.system() + ": running " + w.cliName() + " with " + c + " client" + (c == 1 ? "" : "s"));
                results.add(run(w, c));
            }
        }
        return results;
    }

    private void warmUp(Workload w, int clients, Duration time) throws InterruptedException {
        if (!time.isZero()) {
            ClosedLoop.run(clients, BenchConfig.MAX_REQUESTS, time, c -> new Client(w, c), System::nanoTime,
                    new AtomicLong());
        }
    }

    RunStats run(Workload w, int clients) throws InterruptedException {
        if (!supports(w)) {
            throw new IllegalArgumentException(w.cliName() + " has no equivalent in " + peer.system());
        }
        warmUp(w, clients, config.warmup());
        AtomicLong done = new AtomicLong();
        progress.phase(peer.system() + " " + w.cliName(), clients, config.benchConfig(w), done);
        try {
            ClosedLoop.Result r = ClosedLoop.run(clients, BenchConfig.MAX_REQUESTS, config.duration(),
                    c -> new Client(w, c), System::nanoTime, done);
            return r.recorder().stats(w.cliName(), clients, r.elapsed());
        } finally {
            progress.end();
        }
    }

    /** One client: its random source; the operation of the workload. */
    private final class Client implements ClientOp {
        private final Workload workload;
        private final SplittableRandom random;

        Client(Workload workload, int client) {
            this.workload = workload;
            this.random = new SplittableRandom(config.payload().seed() * 1_000_003L + client);
        }

        @Override
        public int execute() throws OpFailure {
            return switch (workload) {
                case PUT -> put();
                case IMPORT -> putAll();
                case MERGE -> merge();
                case GET_STRONG -> get(true);
                case GET_EVENTUAL -> get(false);
                case MIXED -> {
                    int dice = random.nextInt(100);
                    yield dice < 50 ? get(true) : dice < 80 ? put() : merge();
                }
                case SEARCH -> throw new IllegalStateException("search is not run against " + peer.system());
            };
        }

        private int put() throws OpFailure {
            long n = nextObject.getAndIncrement();
            peer.put(config.payload().key(n), config.payload().value(n));
            return 1;
        }

        private int putAll() throws OpFailure {
            long first = nextObject.getAndAdd(config.batch());
            List<byte[]> keys = new ArrayList<>(config.batch());
            List<byte[]> values = new ArrayList<>(config.batch());
            for (int i = 0; i < config.batch(); i++) {
                keys.add(config.payload().key(first + i));
                values.add(config.payload().value(first + i));
            }
            peer.putAll(keys, values);
            return config.batch();
        }

        /** A strong get must find the pre-loaded key; an eventual one may miss on a lagging member. */
        private int get(boolean linearizable) throws OpFailure {
            byte[] v = peer.get(config.payload().key(random.nextInt(config.keys())), linearizable);
            if (v == null && linearizable) {
                throw new OpFailure("NOT_FOUND");
            }
            return 1;
        }

        /**
         * Rewrites a pre-loaded value with one byte of its properties' padding changed: the same size (shardraft's
         * merge sends a one-property patch and the node rewrites the object).
         */
        private int merge() throws OpFailure {
            byte mark = (byte) ('a' + random.nextInt(26));
            int at = config.payload().propsBytes() / 2;
            peer.readModifyWrite(config.payload().key(random.nextInt(config.keys())), v -> {
                v[Math.min(v.length - 1, at)] = mark;
                return v;
            });
            return 1;
        }
    }
}

package io.shardraft.bench;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.data.Directories;
import io.shardraft.cluster.data.NodeAddress;
import io.shardraft.cluster.data.RaftSettings;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.data.ShardStore;
import io.shardraft.node.NodeConfig;
import io.shardraft.node.ShardraftNode;
import io.shardraft.testkit.FreePorts;
import io.shardraft.node.db.IndexDefinition;
import io.shardraft.node.store.Distance;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shardraft bench restart}: the durability figures of issue 6 on three in-process nodes (real
 * JRaft, gRPC on 127.0.0.1, MapDB files) holding one shard with three replicas. One node is down while
 * N objects are loaded and the others snapshot and compact their logs; it then rejoins through
 * install-snapshot (throughput printed in MB/s of snapshot file). Finally a node holding the N objects
 * is restarted and the time from start to ready (health SERVING and the shard applied up to where it
 * was) is printed; that restart replays only the log tail written after the last snapshot.
 */
@Command(name = "restart", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Restart-to-ready time of a node holding N objects, and install-snapshot throughput.")
final class BenchRestartCommand implements Callable<Integer> {
    private static final String INDEX = "restartbench";
    private static final String HOST = "127.0.0.1";

    @Spec
    CommandSpec spec;

    @Option(names = "--objects", paramLabel = "N", defaultValue = "100000",
            description = "Objects the shard holds (default: ${DEFAULT-VALUE}).")
    long objects;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000", description = "Objects per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--dims", paramLabel = "N", defaultValue = "8", description = "Vector dimensions (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "200",
            description = "Single-object writes after the last snapshot, replayed by the restart (default: ${DEFAULT-VALUE}).")
    int tail;

    @Option(names = "--throttle-bytes-per-s", paramLabel = "BYTES", defaultValue = "0",
            description = "Install-snapshot throttle (0 = unlimited, the raw throughput; default: ${DEFAULT-VALUE}).")
    long throttle;

    @Option(names = "--dir", paramLabel = "DIR", description = "Data directory (default: a temporary one, deleted after).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (objects < 1 || batch < 1 || dims < 1 || tail < 0 || throttle < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--objects, --batch and --dims must be positive, --tail and --throttle-bytes-per-s not negative");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean temporary = dir == null;
        Path base = temporary ? Files.createTempDirectory("shardraft-restart-bench") : dir;
        RaftSettings settings = RaftSettings.builder()
                .snapshotEntries(Integer.MAX_VALUE).snapshotBytes(Long.MAX_VALUE) // snapshots taken by the benchmark
                .snapshotThrottleBytesPerSecond(throttle)
                .applyTimeout(Duration.ofSeconds(60)).retryBudget(Duration.ofSeconds(30))
                // long elections: a loaded machine must not turn the measurement into a leadership contest
                .electionTimeout(Duration.ofSeconds(5)).leaderLeaseTimeout(Duration.ofMillis(4500))
                .heartbeatTimeout(Duration.ofMillis(500))
                .build();
        Map<String, NodeAddress> peers = new LinkedHashMap<>();
        List<Integer> ports = FreePorts.allocate(HOST, 6);
        for (int i = 0; i < 3; i++) {
            peers.put("node" + (i + 1), new NodeAddress(HOST, ports.get(2 * i), ports.get(2 * i + 1)));
        }
        IndexDefinition def = IndexDefinition.replicated(INDEX, 1, 3, dims, Distance.L2);
        String shard = def.shardName(0);
        Map<String, ShardraftNode> nodes = new LinkedHashMap<>();
        try {
            for (String id : peers.keySet()) {
                nodes.put(id, start(id, peers, base, settings, def));
            }
            String leader = awaitLeader(nodes, shard);
            String lagging = peers.keySet().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            nodes.remove(lagging).close();

            long t = System.nanoTime();
            load(nodes.get(leader), objects);
            double loadS = (System.nanoTime() - t) / 1e9;
            out.printf(Locale.ROOT, "loaded %,d objects (%d dims, batches of %d) in %.1f s: %,.0f objects/s (2 of 3 replicas up)%n",
                    objects, dims, batch, loadS, objects / loadS);
            // two snapshots with a write between: JRaft truncates the log up to the older one, past the lagging node
            snapshotAll(nodes, shard);
            load(nodes.get(leader), 1);
            snapshotAll(nodes, shard);
            long snapshotBytes = snapshotBytes(base.resolve(leader), shard);

            t = System.nanoTime();
            nodes.put(lagging, start(lagging, peers, base, settings, def));
            long target = store(nodes.get(leader), shard).lastAppliedIndex();
            Path laggingSnapshots = base.resolve(lagging).resolve(INDEX).resolve(shard).resolve("raft").resolve("snapshot");
            long[] copied = new long[1];
            await(() -> {
                if (copied[0] == 0 && snapshotBytesIn(laggingSnapshots) >= snapshotBytes) {
                    copied[0] = System.nanoTime(); // JRaft renames the download into place once every file is copied
                }
                return store(nodes.get(lagging), shard).lastAppliedIndex() >= target;
            }, Duration.ofMinutes(30));
            long done = System.nanoTime();
            double copyS = ((copied[0] == 0 ? done : copied[0]) - t) / 1e9;
            double installS = (done - t) / 1e9;
            out.printf(Locale.ROOT, "install-snapshot of %s: %.1f MB snapshot copied %.2f s after node start: %.1f MB/s%s;"
                    + " caught up (snapshot loaded into MapDB) after %.2f s: %.1f MB/s end to end%n",
                    lagging, snapshotBytes / 1e6, copyS, snapshotBytes / 1e6 / copyS,
                    throttle > 0 ? " (throttled to " + throttle / 1e6 + " MB/s)" : " (unthrottled)",
                    installS, snapshotBytes / 1e6 / installS);

            for (int i = 0; i < tail; i++) {
                load(nodes.get(leader), 1);
            }
            String restarted = lagging;
            long applied = store(nodes.get(leader), shard).lastAppliedIndex();
            await(() -> store(nodes.get(restarted), shard).lastAppliedIndex() >= applied, Duration.ofMinutes(5));
            nodes.remove(restarted).close();
            t = System.nanoTime();
            ShardraftNode again = start(restarted, peers, base, settings, def);
            nodes.put(restarted, again);
            await(() -> again.isReady() && store(again, shard).lastAppliedIndex() >= applied, Duration.ofMinutes(30));
            double restartS = (System.nanoTime() - t) / 1e9;
            long count = again.database().requireIndex(INDEX).count(ReadConsistency.EVENTUAL).get(60, TimeUnit.SECONDS);
            out.printf(Locale.ROOT, "restart-to-ready of %s holding %,d objects (log tail of %d entries after the snapshot): %.2f s%n",
                    restarted, count, tail, restartS);
            out.println("(in-process nodes on this machine; figures from a shared machine are indicative only)");
            return 0;
        } finally {
            nodes.values().parallelStream().forEach(ShardraftNode::close);
            if (temporary) {
                Directories.deleteRecursively(base);
            }
        }
    }

    private static ShardraftNode start(String id, Map<String, NodeAddress> peers, Path base, RaftSettings settings,
            IndexDefinition def) {
        ShardraftNode node = ShardraftNode.start(new NodeConfig(id, peers, base.resolve(id), null, settings, null));
        node.database().createIndex(def);
        return node;
    }

    private void load(ShardraftNode leader, long n) throws Exception {
        Random rnd = new Random(n);
        List<InFlight> inFlight = new ArrayList<>();
        for (long done = 0; done < n; ) {
            List<PutObject> puts = new ArrayList<>();
            for (int i = 0; i < batch && done < n; i++, done++) {
                Vector.Builder v = Vector.newBuilder();
                for (int d = 0; d < dims; d++) {
                    v.addValues(rnd.nextFloat());
                }
                puts.add(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                        .setPropertiesJson("{\"n\":" + done + "}").setVector(v)).build());
            }
            inFlight.add(new InFlight(puts, leader.database().requireIndex(INDEX).putBatch(puts)));
            if (inFlight.size() >= 4) {
                finish(leader, inFlight.remove(0));
            }
        }
        for (InFlight f : inFlight) {
            finish(leader, f);
        }
    }

    private record InFlight(List<PutObject> puts, CompletableFuture<?> result) {
    }

    /** Waits for a batch; re-sends it when its outcome is unknown (a put of the same objects is idempotent). */
    private static void finish(ShardraftNode via, InFlight f) throws Exception {
        CompletableFuture<?> result = f.result();
        for (int attempt = 1; ; attempt++) {
            try {
                result.get(120, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt == 10) {
                    throw e;
                }
                Thread.sleep(200);
                result = via.database().requireIndex(INDEX).putBatch(f.puts());
            }
        }
    }

    private static void snapshotAll(Map<String, ShardraftNode> nodes, String shard) throws Exception {
        for (ShardraftNode n : nodes.values()) {
            long leaderApplied = nodes.values().stream().mapToLong(x -> store(x, shard).lastAppliedIndex()).max().orElse(0);
            await(() -> store(n, shard).lastAppliedIndex() >= leaderApplied, Duration.ofMinutes(5));
            store(n, shard).snapshot().get(10, TimeUnit.MINUTES);
        }
    }

    private static ShardStore store(ShardraftNode node, String shard) {
        return node.registry().getStore(INDEX, shard).orElseThrow();
    }

    private static String awaitLeader(Map<String, ShardraftNode> nodes, String shard) throws InterruptedException {
        String[] leader = new String[1];
        await(() -> {
            for (Map.Entry<String, ShardraftNode> e : nodes.entrySet()) {
                if (store(e.getValue(), shard).isLeader()) {
                    leader[0] = e.getKey();
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(60));
        return leader[0];
    }

    private static long snapshotBytes(Path nodeDir, String shard) {
        return snapshotBytesIn(nodeDir.resolve(INDEX).resolve(shard).resolve("raft").resolve("snapshot"));
    }

    /** The size of the host snapshot file of the latest complete snapshot (not JRaft's download in temp/). */
    private static long snapshotBytesIn(Path snapshots) {
        if (!Files.isDirectory(snapshots)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.filter(p -> p.getFileName().toString().startsWith("snapshot_"))
                    .map(p -> p.resolve("host").resolve("objects.snap").toFile())
                    .mapToLong(java.io.File::length).max().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + timeout);
            }
            Thread.sleep(20);
        }
    }
}

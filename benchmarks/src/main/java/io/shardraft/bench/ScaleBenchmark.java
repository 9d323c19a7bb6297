package io.shardraft.bench;

import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.CreateIndexRequest;
import io.shardraft.api.v1.DescribeIndexRequest;
import io.shardraft.api.v1.DropIndexRequest;
import io.shardraft.api.v1.IndexInfo;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.WriteResponse;
import io.shardraft.bench.ClosedLoop.OpFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@code bench scale}: creates many indexes (every shard of each one its own Raft group on every replica
 * node), then measures what the groups cost each node — creation time, threads and live heap per group,
 * CPU while idle, loopback traffic while idle — and put throughput into one index versus spread over all
 * of them. The indexes are dropped at the end unless kept.
 */
final class ScaleBenchmark implements AutoCloseable {
    static final Duration READY_TIMEOUT = Duration.ofMinutes(30);

    private final ClusterConnection cluster;
    private final ScaleConfig config;
    private final Map<String, Long> pids;
    private final Consumer<String> log;
    private final List<String> nodes;
    private final List<String> created = new ArrayList<>();
    private final Payload payload = new Payload(256, 8, 11);
    private final AtomicLong nextObject = new AtomicLong();

    /** {@code pids}: node id → process id, for the nodes whose process can be inspected on this machine. */
    ScaleBenchmark(ClusterConnection cluster, ScaleConfig config, Map<String, Long> pids, Consumer<String> log) {
        this.cluster = cluster;
        this.config = config;
        this.pids = Map.copyOf(pids);
        this.log = log;
        this.nodes = cluster.nodeIds();
    }

    ScaleResult run() throws InterruptedException {
        int groupsPerNode = config.indexes() * config.shards() * Math.min(config.replicas(), nodes.size())
                / nodes.size();
        List<long[]> before = new ArrayList<>();
        for (String n : nodes) {
            before.add(new long[] {threads(n), heap(n)});
        }
        log.accept("creating " + config.indexes() + " indexes (" + groupsPerNode + " group replicas per node)");
        long t0 = System.nanoTime();
        createAll();
        awaitLed();
        long createMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.accept("created in " + createMillis + " ms; measuring " + config.idle().toSeconds() + " s idle");
        // let the elections' aftermath (first heartbeats, configuration entries) settle before measuring idle
        Thread.sleep(Math.min(5000, config.idle().toMillis()));
        OptionalLong lo0 = NodeProcessProbe.loopbackBytes();
        long idle0 = System.nanoTime();
        double[] idle = idleCores(config.idle());
        double idleSeconds = (System.nanoTime() - idle0) / 1e9;
        OptionalLong lo1 = NodeProcessProbe.loopbackBytes();
        double[] settled = new double[nodes.size()];
        Arrays.fill(settled, -1);
        if (!config.settle().isZero() && !config.idle().isZero()) {
            log.accept("settling for " + config.settle().toSeconds() + " s; measuring " + config.idle().toSeconds()
                    + " s idle again");
            Thread.sleep(config.settle().toMillis());
            settled = idleCores(config.idle());
        }
        List<ScaleResult.Node> perNode = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get(i);
            perNode.add(new ScaleResult.Node(n, pids.getOrDefault(n, -1L), before.get(i)[0], threads(n),
                    before.get(i)[1], heap(n), idle[i], settled[i]));
        }
        double loopback = lo0.isPresent() && lo1.isPresent() && idleSeconds > 0
                ? (lo1.getAsLong() - lo0.getAsLong()) / idleSeconds : -1;
        double single = 0;
        double spread = 0;
        AtomicLong errors = new AtomicLong();
        if (!config.writes().isZero()) {
            log.accept("writing into one index for " + config.writes().toSeconds() + " s");
            single = writes(1, errors);
            log.accept("writing spread over " + config.indexes() + " indexes for " + config.writes().toSeconds() + " s");
            spread = writes(config.indexes(), errors);
        }
        return new ScaleResult(config.indexes(), config.shards(), config.replicas(), groupsPerNode, createMillis,
                perNode, loopback, single, spread, errors.get());
    }

    /** Each node's CPU over {@code window} in cores (-1 where unknown). */
    private double[] idleCores(Duration window) throws InterruptedException {
        long[] cpu0 = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            cpu0[i] = cpu(nodes.get(i));
        }
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] cores = new double[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            long cpu1 = cpu(nodes.get(i));
            cores[i] = cpu0[i] < 0 || cpu1 < 0 || seconds <= 0 ? -1 : (cpu1 - cpu0[i]) / 1000.0 / seconds;
        }
        return cores;
    }

    private long threads(String node) {
        Long pid = pids.get(node);
        return pid == null ? -1 : new NodeProcessProbe(pid).threads().orElse(-1);
    }

    private long heap(String node) {
        Long pid = pids.get(node);
        return pid == null ? -1 : new NodeProcessProbe(pid).liveHeapBytes().orElse(-1);
    }

    private long cpu(String node) {
        Long pid = pids.get(node);
        return pid == null ? -1 : new NodeProcessProbe(pid).cpuMillis().orElse(-1);
    }

    private void createAll() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(config.parallel());
        try {
            List<Future<String>> pending = new ArrayList<>();
            for (int i = 0; i < config.indexes(); i++) {
                String name = config.indexName(i);
                String node = nodes.get(i % nodes.size());
                pending.add(pool.submit(() -> {
                    IndexSpec spec = IndexSpec.newBuilder().setName(name).setShards(config.shards())
                            .setReplicationFactor(config.replicas()).setDimensions(payload.dims()).setMetric("l2").build();
                    cluster.indexes(node).createIndex(CreateIndexRequest.newBuilder().setSpec(spec).build());
                    return name;
                }));
            }
            int done = 0;
            for (Future<String> f : pending) {
                try {
                    synchronized (created) {
                        created.add(f.get());
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("creating an index failed: " + e.getCause().getMessage(), e.getCause());
                }
                if (++done % 100 == 0) {
                    log.accept("  " + done + " indexes created");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits until every shard of every created index has a leader, as each node sees it. */
    private void awaitLed() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (String name : created) {
            while (true) {
                try {
                    IndexInfo info = cluster.indexes(nodes.get(0)).describeIndex(
                            DescribeIndexRequest.newBuilder().setName(name).build());
                    if (info.getShardsCount() == config.shards()
                            && info.getShardsList().stream().noneMatch(p -> p.getLeader().isEmpty())) {
                        break;
                    }
                } catch (StatusRuntimeException e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw e;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("index " + name + " has a shard without a leader after "
                            + READY_TIMEOUT.toMinutes() + " minutes");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Puts per second with the configured clients, each put into a random one of the first {@code spreadOver} indexes. */
    private double writes(int spreadOver, AtomicLong errors) throws InterruptedException {
        ClosedLoop.Result r = ClosedLoop.run(config.clients(), BenchConfig.MAX_REQUESTS, config.writes(), client -> {
            SplittableRandom random = new SplittableRandom(client * 7919L + spreadOver);
            int[] turn = {client};
            return () -> {
                String index = created.get(random.nextInt(spreadOver));
                ObjectData o = payload.object(nextObject.getAndIncrement());
                String node = nodes.get(Math.floorMod(turn[0]++, nodes.size()));
                WriteResponse w = cluster.objects(node).put(PutRequest.newBuilder().setIndex(index).setObject(o).build());
                if (w.getResult().getStatus() != ItemStatus.ITEM_OK) {
                    throw new OpFailure(w.getResult().getStatus().name());
                }
                return 1;
            };
        }, System::nanoTime, new AtomicLong());
        RunStats s = r.recorder().stats("put", config.clients(), r.elapsed());
        s.errors().values().forEach(errors::addAndGet);
        return s.opsPerSec();
    }

    /** Drops the created indexes unless kept. */
    @Override
    public void close() {
        if (config.keep()) {
            return;
        }
        for (String name : created) {
            try {
                cluster.indexes(nodes.get(0)).dropIndex(DropIndexRequest.newBuilder().setName(name).build());
            } catch (StatusRuntimeException e) {
                log.accept("dropping " + name + " failed: " + e.getStatus());
            }
        }
    }
}

package io.shardraft.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.BatchWriteResponse;
import io.shardraft.api.v1.Consistency;
import io.shardraft.api.v1.CountRequest;
import io.shardraft.api.v1.CreateIndexRequest;
import io.shardraft.api.v1.DescribeIndexRequest;
import io.shardraft.api.v1.DropIndexRequest;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.IndexInfo;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.MergeRequest;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.SearchRequest;
import io.shardraft.api.v1.ShardPlacement;
import io.shardraft.api.v1.WriteResponse;
import io.shardraft.bench.BenchConfig.Target;
import io.shardraft.bench.ClosedLoop.ClientOp;
import io.shardraft.bench.ClosedLoop.OpFailure;
import io.shardraft.node.store.ShardHasher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Drives one {@link BenchConfig} against a cluster: creates its index and waits until every node serves it,
 * pre-loads objects, then per client count a warm-up and a measured closed-loop phase; drops the index at the end
 * unless asked to keep it.
 */
final class LoadGenerator implements AutoCloseable {

    /** How long the index may take to be served by every node after it was created. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    static final int PRELOAD_BATCH = BenchConfig.PRELOAD_BATCH;
    static final int SEARCH_K = 10;

    private final ClusterConnection cluster;
    private final BenchConfig config;
    private final Progress progress;
    private final Consumer<String> log;
    private final List<String> nodes;
    private final AtomicLong nextObject;
    private volatile String[] leaderByShard;
    private boolean created;

    LoadGenerator(ClusterConnection cluster, BenchConfig config, Progress progress, Consumer<String> log) {
        this.cluster = cluster;
        this.config = config;
        this.progress = progress;
        this.log = log;
        this.nodes = cluster.nodeIds();
        this.nextObject = new AtomicLong(config.keys());
    }

    /** Creates the index, waits until every node serves it, pre-loads objects when the workload reads them. */
    void prepare() throws InterruptedException {
        IndexSpec spec = IndexSpec.newBuilder().setName(config.index()).setShards(config.shards())
                .setReplicationFactor(config.replicas()).setDimensions(config.payload().dims()).setMetric("l2").build();
        createIndex(spec);
        created = true;
        awaitServed();
        if (config.workload().needsPreload()) {
            log.accept("pre-loading " + config.keys() + " objects into " + config.index());
            preload();
        }
        refreshLeaders();
    }

    /** Runs the workload with {@code clients} clients for {@code time}, measuring nothing. */
    void warmUp(int clients, Duration time) throws InterruptedException {
        if (!time.isZero()) {
            ClosedLoop.run(clients, BenchConfig.MAX_REQUESTS, time, this::clientOp, System::nanoTime, new AtomicLong());
        }
    }

    /** Runs a warm-up and then the measured phase with {@code clients} clients. */
    RunStats run(int clients) throws InterruptedException {
        warmUp(clients, config.warmup());
        AtomicLong done = new AtomicLong();
        progress.phase(config.workload().cliName(), clients, config, done);
        try {
            ClosedLoop.Result r = ClosedLoop.run(clients, config.maxRequests(), config.duration(), this::clientOp,
                    System::nanoTime, done);
            return r.recorder().stats(config.workload().cliName(), clients, r.elapsed());
        } finally {
            progress.end();
        }
    }

    /** Drops the index unless --keep; the connection stays the caller's. */
    @Override
    public void close() {
        if (created && !config.keep()) {
            created = false;
            cluster.indexes(nodes.get(0)).dropIndex(DropIndexRequest.newBuilder().setName(config.index()).build());
        }
    }

    // ---- preparation ----------------------------------------------------------------------------------

    /**
     * Creates the index; a create that timed out or found no metadata leader (a cluster that has just started, a
     * loaded machine) is retried within {@link #READY_TIMEOUT}, and ALREADY_EXISTS after such a retry means an
     * earlier attempt was applied after all.
     */
    private void createIndex(IndexSpec spec) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        boolean retried = false;
        while (true) {
            try {
                cluster.indexes(nodes.get(0)).createIndex(CreateIndexRequest.newBuilder().setSpec(spec).build());
                return;
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (retried && code == Status.Code.ALREADY_EXISTS) {
                    return;
                }
                boolean retryable = code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.UNAVAILABLE;
                if (!retryable || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                log.accept("creating " + config.index() + ": " + describe(e) + "; retrying");
                retried = true;
                Thread.sleep(500);
            }
        }
    }

    private void awaitServed() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (String node : nodes) {
            while (true) {
                try {
                    IndexInfo info = cluster.indexes(node).describeIndex(
                            DescribeIndexRequest.newBuilder().setName(config.index()).build());
                    boolean leaders = info.getShardsCount() == config.shards()
                            && info.getShardsList().stream().noneMatch(p -> p.getLeader().isEmpty());
                    if (leaders) {
                        cluster.objects(node).count(CountRequest.newBuilder().setIndex(config.index())
                                .setConsistency(Consistency.STRONG).build());
                        break;
                    }
                } catch (StatusRuntimeException e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw e;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("index " + config.index() + " not served by " + node + " within "
                            + READY_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(100);
            }
        }
    }

    private void preload() {
        int keys = config.keys();
        for (int from = 0, b = 0; from < keys; from += PRELOAD_BATCH, b++) {
            BatchPutRequest.Builder req = BatchPutRequest.newBuilder().setIndex(config.index());
            for (int n = from; n < Math.min(keys, from + PRELOAD_BATCH); n++) {
                req.addPuts(PutObject.newBuilder().setObject(config.payload().object(n)));
            }
            BatchWriteResponse r = cluster.objects(nodes.get(b % nodes.size())).batchPut(req.build());
            for (ItemResult item : r.getResultsList()) {
                if (item.getStatus() != ItemStatus.ITEM_OK) {
                    throw new IllegalStateException("pre-loading " + item.getId() + " failed: " + item.getStatus() + " "
                            + item.getMessage());
                }
            }
        }
    }

    /** Which node leads each shard, from DescribeIndex (a shard without a known leader: its first replica). */
    private void refreshLeaders() {
        IndexInfo info = cluster.indexes(nodes.get(0)).describeIndex(
                DescribeIndexRequest.newBuilder().setName(config.index()).build());
        Map<String, String> byName = new HashMap<>();
        for (ShardPlacement p : info.getShardsList()) {
            String leader = !p.getLeader().isEmpty() ? p.getLeader()
                    : p.getReplicasCount() > 0 ? p.getReplicas(0) : nodes.get(0);
            byName.put(p.getShard(), nodes.contains(leader) ? leader : nodes.get(0));
        }
        String[] leaders = new String[config.shards()];
        for (int s = 0; s < leaders.length; s++) {
            leaders[s] = byName.getOrDefault(ShardHasher.shardName(s), nodes.get(0));
        }
        leaderByShard = leaders;
    }

    /** The node leading each shard as last seen (for reports and tests). */
    List<String> leaders() {
        return List.of(leaderByShard);
    }

    // ---- the clients' operations ----------------------------------------------------------------------

    private ClientOp clientOp(int client) {
        return new Client(client);
    }

    /** One client's state: its random source and its place in the round-robin over nodes. */
    private final class Client implements ClientOp {
        private final SplittableRandom random;
        private int turn;

        Client(int client) {
            this.random = new SplittableRandom(config.payload().seed() * 1_000_003L + client);
            this.turn = client;
        }

        @Override
        public int execute() throws OpFailure {
            return switch (config.workload()) {
                case PUT -> put();
                case IMPORT -> batchPut();
                case MERGE -> merge();
                case GET_STRONG -> get(Consistency.STRONG);
                case GET_EVENTUAL -> get(Consistency.EVENTUAL);
                case SEARCH -> search();
                case MIXED -> {
                    int dice = random.nextInt(100);
                    yield dice < 50 ? get(Consistency.STRONG) : dice < 80 ? put() : merge();
                }
            };
        }

        private String nextNode() {
            return nodes.get(Math.floorMod(turn++, nodes.size()));
        }

        private String nodeFor(String id) {
            return config.target() == Target.LEADER ? leaderByShard[ShardHasher.shardOf(id, config.shards())] : nextNode();
        }

        private String existingId() {
            return config.payload().id(random.nextInt(config.keys())).toString();
        }

        private int put() throws OpFailure {
            ObjectData o = config.payload().object(nextObject.getAndIncrement());
            if (config.coalesce()) {
                return check(coalescedPut(nodeFor(o.getId()), o));
            }
            WriteResponse r = cluster.objects(nodeFor(o.getId())).put(PutRequest.newBuilder().setIndex(config.index())
                    .setObject(o).build());
            return check(r.getResult());
        }

        private ItemResult coalescedPut(String node, ObjectData o) throws OpFailure {
            try {
                return cluster.coalescer(node).put(config.index(), PutObject.newBuilder().setObject(o).build()).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpFailure("INTERRUPTED");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException s) {
                    throw s;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /** A batch goes to the leader of its first object's shard (leader target); the node splits it by shard. */
        private int batchPut() throws OpFailure {
            BatchPutRequest.Builder req = BatchPutRequest.newBuilder().setIndex(config.index());
            long first = nextObject.getAndAdd(config.batch());
            for (int i = 0; i < config.batch(); i++) {
                req.addPuts(PutObject.newBuilder().setObject(config.payload().object(first + i)));
            }
            BatchWriteResponse r = cluster.objects(nodeFor(req.getPuts(0).getObject().getId())).batchPut(req.build());
            if (r.getResultsCount() != config.batch()) {
                throw new OpFailure("SHORT_RESPONSE");
            }
            for (ItemResult item : r.getResultsList()) {
                check(item);
            }
            return config.batch();
        }

        private int merge() throws OpFailure {
            String id = existingId();
            WriteResponse r = cluster.objects(nodeFor(id)).merge(MergeRequest.newBuilder().setIndex(config.index())
                    .setMerge(MergeObject.newBuilder().setId(id).setPropertiesJson("{\"m\":" + random.nextInt() + "}"))
                    .build());
            return check(r.getResult());
        }

        /** A strong get must find the pre-loaded object; an eventual one may answer "not found" from a lagging replica. */
        private int get(Consistency consistency) throws OpFailure {
            String id = existingId();
            GetResponse r = cluster.objects(nodeFor(id)).get(GetRequest.newBuilder().setIndex(config.index()).setId(id)
                    .setConsistency(consistency).build());
            if (!r.getFound() && consistency == Consistency.STRONG) {
                throw new OpFailure(ItemStatus.ITEM_NOT_FOUND.name());
            }
            return 1;
        }

        private int search() {
            cluster.objects(nextNode()).search(SearchRequest.newBuilder().setIndex(config.index())
                    .setVector(config.payload().vector(random.nextLong())).setK(SEARCH_K).build());
            return 1;
        }

        private int check(ItemResult item) throws OpFailure {
            if (item.getStatus() != ItemStatus.ITEM_OK) {
                throw new OpFailure(item.getStatus().name());
            }
            return 1;
        }
    }

    /** For error lines: the status of a failed call in one line. */
    static String describe(StatusRuntimeException e) {
        Status s = e.getStatus();
        return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }

    /** The run's configuration. */
    BenchConfig config() {
        return config;
    }

    /** All client counts of the configuration, measured in order. */
    List<RunStats> runAll() throws InterruptedException {
        List<RunStats> results = new ArrayList<>();
        for (int c : config.clients()) {
            log.accept("running " + config.workload().cliName() + " with " + c + " client" + (c == 1 ? "" : "s"));
            results.add(run(c));
            if (config.coalesce() && (config.workload() == Workload.PUT || config.workload() == Workload.MIXED)) {
                log.accept(String.format(Locale.ROOT, "puts per call so far: %.1f", cluster.putsPerCall()));
            }
        }
        return results;
    }
}

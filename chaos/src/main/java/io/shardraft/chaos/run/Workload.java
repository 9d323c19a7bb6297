package io.shardraft.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.Consistency;
import io.shardraft.chaos.history.HistoryRecorder;
import io.shardraft.chaos.history.Invocation;
import io.shardraft.chaos.history.OperationKind;
import io.shardraft.chaos.history.Outcome;
import io.shardraft.chaos.history.Outcomes;
import io.shardraft.node.store.ShardHasher;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client threads that each issue one operation at a time on a small key space — unconditional writes of unique
 * values, STRONG reads and CAS (a put with the version the client last saw) — to a random running node, recording
 * every invocation and completion in a {@link HistoryRecorder}. Bounded by a duration and the recorder's capacity.
 */
public final class Workload {

    /**
     * @param clients     client threads
     * @param opTimeout   gRPC deadline of one operation
     * @param readShare   share of reads (the rest is split between writes and CAS)
     * @param casShare    share of CAS
     * @param pauseMillis think time between a client's operations
     */
    public record Config(int clients, Duration opTimeout, double readShare, double casShare, long pauseMillis) {
        public static Config defaults() {
            return new Config(8, Duration.ofSeconds(3), 0.4, 0.25, 10);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChaosCluster cluster;
    private final String index;
    private final List<String> keys;
    private final HistoryRecorder recorder;
    private final Config config;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final java.util.Queue<String> trace = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public Workload(ChaosCluster cluster, String index, List<String> keys, HistoryRecorder recorder, Config config) {
        this.cluster = cluster;
        this.index = index;
        this.keys = List.copyOf(keys);
        this.recorder = recorder;
        this.config = config;
    }

    /** {@code count} fixed object ids (seeded), spread evenly over {@code shards} shards. */
    public static List<String> keys(int count, int shards, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int shard = k % shards;
            for (int attempt = 0; attempt < 10_000; attempt++) {
                UUID id = new UUID(random.nextLong(), random.nextLong());
                if (ShardHasher.shardOf(id, shards) == shard) {
                    out.add(id.toString());
                    break;
                }
            }
        }
        return out;
    }

    /** Starts the clients; they stop after {@code duration}, at {@link #stop()} or when the recorder is full. */
    public void start(Duration duration, long seed) {
        long end = System.nanoTime() + duration.toNanos();
        for (int c = 0; c < config.clients(); c++) {
            int process = c;
            Random random = new Random(seed * 31 + c);
            Thread t = new Thread(() -> runClient(process, random, end), "chaos-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * One line per completed operation that the history does not hold: the operation id, the node it was sent to,
     * and the object version a read returned or a write was given (or the error). Kept beside a failed history.
     */
    public List<String> trace() {
        return List.copyOf(trace);
    }

    public void stop() {
        stop.set(true);
    }

    /** Waits for every client to finish its last operation. */
    public void join() throws InterruptedException {
        long deadline = System.nanoTime() + config.opTimeout().toNanos() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    private record Seen(long version, String value) {
    }

    private void runClient(int process, Random random, long end) {
        Map<String, Seen> seen = new HashMap<>();
        Map<String, Long> avoidUntil = new HashMap<>();
        int seq = 0;
        while (!stop.get() && System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
            List<String> live = cluster.runningNodes();
            if (live.isEmpty()) {
                Sleep.millis(50);
                continue;
            }
            // like a client with a list of endpoints: a node that just timed out is avoided for a while
            long now = System.nanoTime();
            List<String> preferred = live.stream().filter(n -> avoidUntil.getOrDefault(n, 0L) < now).toList();
            List<String> candidates = preferred.isEmpty() ? live : preferred;
            String node = candidates.get(random.nextInt(candidates.size()));
            String key = keys.get(random.nextInt(keys.size()));
            double dice = random.nextDouble();
            Outcome outcome;
            synchronized (recorder) {
                if (recorder.isFull()) {
                    return;
                }
            }
            try {
                if (dice < config.readShare()) {
                    outcome = read(process, node, key, seen);
                } else {
                    String value = "c" + process + "-" + (seq++);
                    boolean cas = dice < config.readShare() + config.casShare();
                    outcome = cas ? cas(process, node, key, value, seen) : write(process, node, key, value, seen);
                }
            } catch (IllegalStateException full) {
                return; // the recorder filled up between the check and the invoke
            }
            if (outcome == Outcome.UNKNOWN || READ_TIMED_OUT.get()) {
                avoidUntil.put(node, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            }
            READ_TIMED_OUT.set(false);
            if (outcome == Outcome.UNKNOWN) {
                Sleep.millis(200 + random.nextInt(200)); // keep indeterminate operations per key few
            } else if (outcome == Outcome.FAIL) {
                Sleep.millis(50 + random.nextInt(50));
            } else {
                Sleep.millis(config.pauseMillis());
            }
        }
    }

    /** Set by a read that failed on its deadline or an unavailable node (a read's outcome is FAIL then). */
    private static final ThreadLocal<Boolean> READ_TIMED_OUT = ThreadLocal.withInitial(() -> false);

    private ObjectServiceGrpc.ObjectServiceBlockingStub stub(String node) {
        return ObjectServiceGrpc.newBlockingStub(cluster.channel(node))
                .withDeadlineAfter(config.opTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private Outcome read(int process, String node, String key, Map<String, Seen> seen) {
        Invocation inv = recorder.invokeRead(process, key);
        GetResponse response;
        try {
            response = stub(node).get(GetRequest.newBuilder().setIndex(index).setId(key)
                    .setConsistency(Consistency.STRONG).build());
        } catch (StatusRuntimeException e) {
            trace.add(inv.id() + " " + node + " read error " + e.getStatus().getCode());
            recorder.complete(inv, Outcome.FAIL);
            READ_TIMED_OUT.set(e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED
                    || e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE);
            return Outcome.FAIL;
        } catch (RuntimeException e) {
            recorder.complete(inv, Outcome.FAIL);
            return Outcome.FAIL;
        }
        trace.add(inv.id() + " " + node + " read " + (response.getFound() ? "version "
                + response.getObject().getVersion() + " value " + valueOf(response.getObject().getPropertiesJson())
                : "absent"));
        if (!response.getFound()) {
            recorder.completeRead(inv, Optional.empty());
            seen.remove(key);
            return Outcome.OK;
        }
        String value = valueOf(response.getObject().getPropertiesJson());
        recorder.completeRead(inv, Optional.of(value));
        seen.put(key, new Seen(response.getObject().getVersion(), value));
        return Outcome.OK;
    }

    private Outcome write(int process, String node, String key, String value, Map<String, Seen> seen) {
        Invocation inv = recorder.invokeWrite(process, key, value);
        return put(inv, node, key, value, null, seen);
    }

    private Outcome cas(int process, String node, String key, String value, Map<String, Seen> seen) {
        Seen last = seen.get(key);
        Invocation inv = recorder.invokeCas(process, key, last == null ? null : last.value(), value);
        return put(inv, node, key, value, last == null ? 0L : last.version(), seen);
    }

    private Outcome put(Invocation inv, String node, String key, String value, Long expectedVersion,
                        Map<String, Seen> seen) {
        PutRequest.Builder request = PutRequest.newBuilder().setIndex(index).setObject(ObjectData.newBuilder()
                .setId(key).setPropertiesJson(JSON.createObjectNode().put("v", value).toString()));
        if (expectedVersion != null) {
            request.setExpectedVersion(expectedVersion);
        }
        ItemResult result;
        try {
            result = stub(node).put(request.build()).getResult();
        } catch (StatusRuntimeException e) {
            trace.add(inv.id() + " " + node + " " + inv.kind() + " error " + e.getStatus().getCode() + " "
                    + e.getStatus().getDescription());
            Outcome outcome = Outcomes.ofWriteError(e.getStatus().getCode());
            recorder.complete(inv, outcome);
            seen.remove(key);
            return outcome;
        } catch (RuntimeException e) {
            recorder.complete(inv, Outcome.UNKNOWN);
            seen.remove(key);
            return Outcome.UNKNOWN;
        }
        trace.add(inv.id() + " " + node + " " + inv.kind() + " " + result.getStatus() + " version "
                + result.getVersion());
        Outcome outcome = Outcomes.ofItemStatus(result.getStatus());
        if (outcome == Outcome.OK) {
            recorder.completeWrite(inv, result.getVersion());
            seen.put(key, new Seen(result.getVersion(), value));
            return Outcome.OK;
        }
        if (outcome == Outcome.CONFLICT && inv.kind() == OperationKind.WRITE) {
            outcome = Outcome.FAIL; // nothing was written; an unconditional write has no conflict outcome
        }
        recorder.complete(inv, outcome);
        seen.remove(key);
        return outcome;
    }

    /** The value a workload wrote into an object's properties ({@code {"v": "..."}}); the raw JSON otherwise. */
    public static String valueOf(String propertiesJson) {
        try {
            JsonNode v = JSON.readTree(propertiesJson).get("v");
            return v != null && v.isTextual() ? v.asText() : propertiesJson;
        } catch (IOException e) {
            return propertiesJson;
        }
    }
}

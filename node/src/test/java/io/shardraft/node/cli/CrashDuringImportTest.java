package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.Consistency;
import io.shardraft.api.v1.ExportRequest;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.StoredObjectMessage;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.testing.InProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency with real node JVMs: batch imports run while the shard's leader is SIGKILLed and
 * restarted, several times (with snapshots and log compaction going on: a snapshot every 40 entries).
 * Afterwards every replica holds every acknowledged batch, no batch is partly visible anywhere (one shard,
 * so each batch is one Raft entry, applied all or nothing), and the replicas' checksums are equal.
 */
class CrashDuringImportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String INDEX = "crash";
    static final int BATCH = 25;
    static final int KILLS = 3;
    static final int MAX_BATCHES = 2_000;

    @TempDir
    Path dir;

    final long t0 = System.nanoTime();

    void phase(String what) {
        System.out.printf("crash import +%d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, what);
    }

    CliRun ok(String... args) {
        String[] all = Stream.concat(Arrays.stream(args), Stream.of("--data", dir.toString())).toArray(String[]::new);
        CliRun r = CliRun.of(all);
        assertEquals(0, r.exitCode(), () -> String.join(" ", args) + " failed: " + r.err() + r.out());
        return r;
    }

    @Test
    void sigkillDuringBatchImportsLosesNoAcknowledgedBatchAndShowsNoPartialOne() throws Exception {
        ok("cluster", "up", "--nodes", "3", "--set", "raft.snapshot-entries=40");
        phase("cluster up");
        Map<String, ManagedChannel> channels = new LinkedHashMap<>();
        try {
            ok("index", "create", INDEX, "--shards", "1", "--replicas", "3", "--dims", "2");
            for (JsonNode n : JSON.readTree(dir.resolve("cluster.json").toFile()).get("nodes")) {
                channels.put(n.get("id").asText(), ManagedChannelBuilder
                        .forAddress("127.0.0.1", n.get("clientPort").asInt()).usePlaintext().build());
            }
            List<String> nodes = List.copyOf(channels.keySet());
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            int[] sent = new int[1];
            Thread writer = new Thread(() -> {
                for (int b = 0; b < MAX_BATCHES && !stop.get(); b++) {
                    sent[0] = b + 1;
                    ManagedChannel ch = channels.get(nodes.get(b % nodes.size()));
                    try {
                        List<ItemResult> results = ObjectServiceGrpc.newBlockingStub(ch)
                                .withDeadlineAfter(10, TimeUnit.SECONDS).batchPut(batch(b)).getResultsList();
                        if (results.size() == BATCH && results.stream().allMatch(r -> r.getStatus() == ItemStatus.ITEM_OK)) {
                            acknowledged.add(b);
                        }
                    } catch (RuntimeException e) {
                        // outcome unknown (node down, leader lost mid-write): may be applied or not, never in part
                    }
                }
            }, "crash-import");
            writer.start();
            try {
                for (int k = 0; k < KILLS; k++) {
                    int before = acknowledged.size();
                    InProcessCluster.awaitTrue(() -> acknowledged.size() >= before + 10, Duration.ofSeconds(60),
                            () -> "the import made no progress");
                    String victim = shardLeader();
                    phase(acknowledged.size() + " batches acknowledged; SIGKILL of the leader " + victim);
                    ok("node", "kill", victim);
                    Thread.sleep(500);
                    ok("node", "start", victim);
                    phase(victim + " restarted and ready");
                }
                int before = acknowledged.size();
                InProcessCluster.awaitTrue(() -> acknowledged.size() >= before + 10, Duration.ofSeconds(60),
                        () -> "the import made no progress after the last restart");
            } finally {
                stop.set(true);
                writer.join(30_000);
            }
            phase("import stopped");
            System.out.printf("crash import: %d batches sent, %d acknowledged, %d SIGKILLs of the leader%n",
                    sent[0], acknowledged.size(), KILLS);

            InProcessCluster.awaitTrue(() -> CliRun.of("check", INDEX, "--data", dir.toString()).exitCode() == 0,
                    Duration.ofSeconds(90), () -> "replicas' checksums differ: "
                            + CliRun.of("check", INDEX, "--data", dir.toString()).out());
            phase("replicas consistent");
            for (String node : nodes) {
                Map<Integer, Set<Integer>> batches = new HashMap<>();
                ObjectServiceGrpc.newBlockingStub(channels.get(node)).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .export(ExportRequest.newBuilder().setIndex(INDEX).setConsistency(Consistency.EVENTUAL).build())
                        .forEachRemaining((StoredObjectMessage o) -> {
                            try {
                                JsonNode p = JSON.readTree(o.getPropertiesJson());
                                batches.computeIfAbsent(p.get("b").asInt(), x -> new TreeSet<>()).add(p.get("i").asInt());
                            } catch (java.io.IOException e) {
                                throw new AssertionError(e);
                            }
                        });
                for (int b : acknowledged) {
                    assertTrue(batches.containsKey(b), "acknowledged batch " + b + " missing on " + node);
                }
                for (Map.Entry<Integer, Set<Integer>> e : batches.entrySet()) {
                    assertEquals(BATCH, e.getValue().size(), "batch " + e.getKey() + " is partly visible on " + node
                            + ": " + e.getValue());
                }
                assertTrue(batches.size() >= acknowledged.size(), node + " holds fewer batches than acknowledged");
            }
        } finally {
            channels.values().forEach(ManagedChannel::shutdownNow);
            CliRun.of("cluster", "down", "--data", dir.toString());
        }
    }

    private String shardLeader() throws Exception {
        JsonNode status = JSON.readTree(ok("status", "--json").out());
        for (JsonNode r : status.get("replicas")) {
            if (r.get("index").asText().equals(INDEX) && r.get("role").asText().equals("LEADER")) {
                return r.get("node").asText();
            }
        }
        return "node1";
    }

    private static BatchPutRequest batch(int b) {
        BatchPutRequest.Builder req = BatchPutRequest.newBuilder().setIndex(INDEX);
        for (int i = 0; i < BATCH; i++) {
            // fresh ids: a re-sent or unknown batch never overwrites another one's objects
            req.addPuts(PutObject.newBuilder().setObject(ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                    .setPropertiesJson("{\"b\":" + b + ",\"i\":" + i + ",\"pad\":\"" + "p".repeat(200) + "\"}")
                    .setVector(Vector.newBuilder().addValues(b).addValues(i))));
        }
        return req.build();
    }
}

package io.shardraft.node.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.BatchWriteResponse;
import io.shardraft.api.v1.ClusterStatusRequest;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.Consistency;
import io.shardraft.api.v1.ConsistencyCheckRequest;
import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.CountRequest;
import io.shardraft.api.v1.CreateIndexRequest;
import io.shardraft.api.v1.DescribeIndexRequest;
import io.shardraft.api.v1.DropIndexRequest;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.NodeStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.ReplicaStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardraft demo}: a guided failover run on the local cluster (started if needed). Every step is printed and
 * bounded in time; the run fails (exit 1) at the first step that does not hold.
 */
@Command(name = "demo", description = {"Guided run on the local cluster: create an index (3 shards x 3 replicas), "
        + "import through different nodes, SIGKILL the node leading most shards, keep writing, restart it, "
        + "wait until it caught up, and check the replicas agree."})
final class DemoCommand extends CliCommand {

    private static final Set<Status.Code> RETRYABLE = EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.FAILED_PRECONDITION, Status.Code.INTERNAL,
            Status.Code.UNKNOWN);
    private static final int STEPS = 9;
    private static final int BATCH = 50;
    private static final int DIMS = 4;

    @Option(names = "--index", paramLabel = "NAME", defaultValue = "demo",
            description = "Index the demo creates (dropped first if it exists; default: ${DEFAULT-VALUE}).")
    String index;

    @Option(names = "--objects", paramLabel = "N", defaultValue = "1000",
            description = "Objects written before the kill; half as many after it (default: ${DEFAULT-VALUE}).")
    int objects;

    @Option(names = "--step-timeout", paramLabel = "SECONDS", defaultValue = "90",
            description = "Bound of each waiting step (default: ${DEFAULT-VALUE}).")
    int stepTimeoutSeconds;

    private final Map<String, ObjectData> acknowledged = new TreeMap<>();
    private final Random random = new Random(42);
    private Duration stepTimeout;
    private int step;

    @Override
    int run() throws InterruptedException {
        if (objects < 1 || objects > 1_000_000) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--objects must be between 1 and 1000000");
        }
        stepTimeout = Duration.ofSeconds(Math.max(5, stepTimeoutSeconds));
        long began = System.nanoTime();

        step("local cluster");
        LocalCluster cluster = new LocalCluster(options.dataDir, LauncherSettings.defaults()
                .withTimeouts(stepTimeout.multipliedBy(2), null), s -> out().println("    " + s));
        ClusterFile file = cluster.file().orElse(null);
        if (file == null || file.nodes().stream().anyMatch(n -> !NodeProcess.isRunning(n))) {
            file = cluster.up(null, Map.of());
        } else {
            out().println("    using the running cluster in " + cluster.dir());
        }
        if (file.nodes().size() < 3) {
            throw new CliException("the demo needs 3 or more nodes; " + cluster.dir() + " has " + file.nodes().size());
        }
        Map<String, NodeClient> clients = new LinkedHashMap<>();
        for (NodeEntry node : file.nodes()) {
            clients.put(node.id(), connect(node.clientAddress()));
            out().println("    " + node.id() + " at " + node.clientAddress());
        }
        NodeClient first = clients.values().iterator().next();

        step("create index '" + index + "' (3 shards x 3 replicas, " + DIMS + " dims)");
        if (exists(first)) {
            first.indexes().dropIndex(DropIndexRequest.newBuilder().setName(index).build());
            out().println("    dropped the index '" + index + "' of an earlier run");
        }
        first.indexes().createIndex(CreateIndexRequest.newBuilder().setSpec(IndexSpec.newBuilder().setName(index)
                .setShards(3).setReplicationFactor(3).setDimensions(DIMS).setMetric("cosine")).build());
        out().println("    created");

        step("import " + objects + " objects in batches of " + BATCH + ", round-robin through every node");
        write(List.copyOf(clients.values()), generate(0, objects, "before-kill"));

        step("leaders");
        ClusterStatusResponse status = awaitLeaders(first, Set.copyOf(clients.keySet()));
        StatusCommand.printReplicas(status, index, this);
        Map<String, Long> leads = leaders(status).values().stream()
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        String victim = leads.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();

        step("SIGKILL " + victim + ", which leads " + leads.get(victim) + " of 3 shards");
        cluster.kill(victim);
        out().println("    killed " + victim);
        Map<String, NodeClient> survivors = new LinkedHashMap<>(clients);
        survivors.remove(victim);

        step("keep writing " + (objects / 2 + 1) + " objects through the surviving nodes");
        long t0 = System.nanoTime();
        write(List.copyOf(survivors.values()), generate(objects, objects / 2 + 1, "after-kill"));
        out().printf("    written in %.1f s, including the failover%n", (System.nanoTime() - t0) / 1e9);

        step("new leaders (without " + victim + ")");
        NodeClient survivor = survivors.values().iterator().next();
        status = awaitLeaders(survivor, Set.copyOf(survivors.keySet()));
        StatusCommand.printReplicas(status, index, this);

        step("restart " + victim + " and wait until it caught up");
        cluster.start(victim);
        status = awaitCaughtUp(survivor, victim);
        StatusCommand.printReplicas(status, index, this);

        step("every acknowledged object is there, and check passes");
        verify(clients, victim);
        ConsistencyCheckResponse check = first.admin()
                .consistencyCheck(ConsistencyCheckRequest.newBuilder().setIndex(index).build());
        CheckCommand.print(check, this);
        if (!check.getConsistent()) {
            return CheckCommand.verdict(check, this);
        }
        out().printf("demo passed in %.0f s: %d objects, %s killed and caught up, replicas consistent%n",
                (System.nanoTime() - began) / 1e9, acknowledged.size(), victim);
        out().println("(the cluster keeps running: `shardraft status`, `shardraft cluster down`)");
        return 0;
    }

    private void step(String title) {
        step++;
        out().println();
        out().println("[" + step + "/" + STEPS + "] " + title);
        out().flush();
    }

    private boolean exists(NodeClient client) {
        try {
            client.indexes().describeIndex(DescribeIndexRequest.newBuilder().setName(index).build());
            return true;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private List<PutObject> generate(int from, int count, String phase) {
        List<PutObject> puts = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            ObjectData.Builder object = ObjectData.newBuilder()
                    .setId(UUID.nameUUIDFromBytes(("shardraft-demo-" + i).getBytes(StandardCharsets.UTF_8)).toString())
                    .setPropertiesJson("{\"n\":" + i + ",\"group\":\"g" + (i % 5) + "\",\"phase\":\"" + phase + "\"}");
            var vector = io.shardraft.api.v1.Vector.newBuilder();
            for (int d = 0; d < DIMS; d++) {
                vector.addValues(random.nextFloat() + 0.01f);
            }
            puts.add(PutObject.newBuilder().setObject(object.setVector(vector)).build());
        }
        return puts;
    }

    /** Writes in batches round-robin over {@code via}; a failed batch moves on to the next node until the step timeout. */
    private void write(List<NodeClient> via, List<PutObject> puts) throws InterruptedException {
        Map<String, Integer> perNode = new TreeMap<>();
        int retries = 0;
        for (int start = 0, batchNo = 0; start < puts.size(); start += BATCH, batchNo++) {
            List<PutObject> batch = puts.subList(start, Math.min(puts.size(), start + BATCH));
            BatchPutRequest request = BatchPutRequest.newBuilder().setIndex(index).addAllPuts(batch).build();
            long deadline = System.nanoTime() + stepTimeout.toNanos();
            for (int attempt = 0; ; attempt++) {
                NodeClient client = via.get((batchNo + attempt) % via.size());
                calling(client);
                try {
                    BatchWriteResponse response = client.objects().batchPut(request);
                    for (int i = 0; i < response.getResultsCount(); i++) {
                        ItemResult result = response.getResults(i);
                        if (result.getStatus() != ItemStatus.ITEM_OK) {
                            throw new CliException("object " + result.getId() + " was not written: "
                                    + ItemStatuses.name(result.getStatus()) + " " + result.getMessage());
                        }
                        ObjectData object = batch.get(i).getObject();
                        acknowledged.put(object.getId(), object);
                    }
                    perNode.merge(client.address().toString(), batch.size(), Integer::sum);
                    break;
                } catch (StatusRuntimeException e) {
                    if (!RETRYABLE.contains(e.getStatus().getCode()) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    retries++;
                    Thread.sleep(200);
                }
            }
        }
        out().println("    acknowledged " + puts.size() + " objects: " + perNode.entrySet().stream()
                .map(e -> e.getValue() + " via " + e.getKey()).collect(Collectors.joining(", "))
                + (retries == 0 ? "" : "; " + retries + " batches retried on another node"));
    }

    private ClusterStatusResponse status(NodeClient client) {
        calling(client);
        return client.admin().clusterStatus(ClusterStatusRequest.getDefaultInstance());
    }

    /** shard → leader node id, from the replicas that report themselves LEADER on reachable nodes. */
    private Map<String, String> leaders(ClusterStatusResponse status) {
        Set<String> reachable = status.getNodesList().stream().filter(NodeStatus::getReachable)
                .map(NodeStatus::getNodeId).collect(Collectors.toSet());
        Map<String, String> leaders = new TreeMap<>();
        for (ReplicaStatus r : status.getReplicasList()) {
            if (r.getIndex().equals(index) && r.getRole().equalsIgnoreCase("LEADER") && reachable.contains(r.getNodeId())) {
                leaders.put(r.getShard(), r.getNodeId());
            }
        }
        return leaders;
    }

    private Set<String> shards(ClusterStatusResponse status) {
        return status.getReplicasList().stream().filter(r -> r.getIndex().equals(index)).map(ReplicaStatus::getShard)
                .collect(Collectors.toSet());
    }

    /** Waits until every shard of the index has a leader among {@code among}. */
    private ClusterStatusResponse awaitLeaders(NodeClient via, Set<String> among) throws InterruptedException {
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        while (true) {
            ClusterStatusResponse status = status(via);
            Map<String, String> leaders = leaders(status);
            Set<String> shards = shards(status);
            if (shards.size() == 3 && leaders.keySet().containsAll(shards) && among.containsAll(leaders.values())) {
                return status;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException("not every shard of '" + index + "' has a leader among " + new java.util.TreeSet<>(among) + " after "
                        + StatusMessages.seconds(stepTimeout) + " (leaders: " + leaders + ")");
            }
            Thread.sleep(300);
        }
    }

    /** Waits until the node's replicas of the index applied everything their leaders committed. */
    private ClusterStatusResponse awaitCaughtUp(NodeClient via, String node) throws InterruptedException {
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        while (true) {
            ClusterStatusResponse status = status(via);
            Map<String, Long> leaderCommitted = new TreeMap<>();
            Map<String, Long> nodeApplied = new TreeMap<>();
            Map<String, String> leaders = leaders(status);
            for (ReplicaStatus r : status.getReplicasList()) {
                if (!r.getIndex().equals(index)) {
                    continue;
                }
                if (r.getNodeId().equals(leaders.get(r.getShard()))) {
                    leaderCommitted.put(r.getShard(), r.getCommittedIndex());
                }
                if (r.getNodeId().equals(node)) {
                    nodeApplied.put(r.getShard(), r.getAppliedIndex());
                }
            }
            boolean caughtUp = leaderCommitted.size() == 3 && nodeApplied.size() == 3
                    && leaderCommitted.entrySet().stream().allMatch(e -> nodeApplied.get(e.getKey()) != null
                            && nodeApplied.get(e.getKey()) >= e.getValue());
            if (caughtUp) {
                out().println("    " + node + " applied " + nodeApplied + " >= leaders' committed " + leaderCommitted);
                return status;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(node + " did not catch up within " + StatusMessages.seconds(stepTimeout)
                        + " (applied " + nodeApplied + ", leaders committed " + leaderCommitted + ")");
            }
            Thread.sleep(300);
        }
    }

    /** Counts at STRONG through every node, and reads a sample back from the restarted node at STRONG and EVENTUAL. */
    private void verify(Map<String, NodeClient> clients, String restarted) {
        for (var entry : clients.entrySet()) {
            calling(entry.getValue());
            long count = entry.getValue().objects().count(CountRequest.newBuilder().setIndex(index)
                    .setConsistency(Consistency.STRONG).build()).getCount();
            out().println("    count through " + entry.getKey() + " (strong): " + count);
            if (count != acknowledged.size()) {
                throw new CliException("count through " + entry.getKey() + " is " + count + ", expected "
                        + acknowledged.size() + " acknowledged objects");
            }
        }
        NodeClient client = clients.get(restarted);
        calling(client);
        List<ObjectData> sample = new ArrayList<>(acknowledged.values());
        int checked = 0;
        for (int i = 0; i < sample.size(); i += Math.max(1, sample.size() / 50)) {
            ObjectData expected = sample.get(i);
            for (Consistency consistency : List.of(Consistency.STRONG, Consistency.EVENTUAL)) {
                GetResponse got = client.objects().get(GetRequest.newBuilder().setIndex(index).setId(expected.getId())
                        .setConsistency(consistency).build());
                if (!got.getFound()
                        || !CliJson.properties(got.getObject().getPropertiesJson())
                                .equals(CliJson.properties(expected.getPropertiesJson()))
                        || !got.getObject().getVector().equals(expected.getVector())) {
                    throw new CliException("object " + expected.getId() + " read from " + restarted + " ("
                            + consistency + ") differs from what was written");
                }
            }
            checked++;
        }
        out().println("    " + checked + " sampled objects read back from " + restarted + " (strong and eventual): exact");
    }
}

package io.shardraft.chaos.run;

import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.ClusterStatusRequest;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.DropIndexRequest;
import io.shardraft.api.v1.IndexServiceGrpc;
import io.shardraft.api.v1.NodeLocalServiceGrpc;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.ReplicaStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Index create/drop while one node is partitioned away: through the majority, side indexes are created, written
 * and dropped in a loop, and one is kept. After the heal, every node must hold a replica of the kept index and no
 * replica of a dropped one (checked on each node's local status).
 */
final class IndexLifecycleFault implements Fault {
    static final String PREFIX = "side-";
    static final String KEPT = PREFIX + "kept";

    private final List<String> dropped = new ArrayList<>();
    private volatile boolean keptCreated;

    @Override
    public void inject(ScenarioContext ctx, Duration window) {
        ChaosCluster cluster = ctx.cluster();
        long end = System.nanoTime() + window.toNanos();
        String busiest = cluster.mostLeadingNode(ctx.index());
        String cut = cluster.nodeIds().stream().filter(n -> !n.equals(busiest)).findFirst().orElseThrow();
        List<String> majority = cluster.nodeIds().stream().filter(n -> !n.equals(cut)).toList();
        ctx.log().info("partition {" + cut + "}; creating and dropping indexes through " + majority);
        cluster.partition(Set.of(cut));
        int created = 0;
        int failures = 0;
        for (int i = 0; i < 50 && System.nanoTime() < end; i++) {
            String name = PREFIX + i;
            String node = majority.get(i % majority.size());
            try {
                ChaosRunner.createIndex(cluster, name, 1, 3, Duration.ofSeconds(5));
                created++;
                ObjectServiceGrpc.newBlockingStub(cluster.channel(node)).withDeadlineAfter(3, TimeUnit.SECONDS)
                        .put(PutRequest.newBuilder().setIndex(name).setObject(ObjectData.newBuilder()
                                .setId(UUID.randomUUID().toString()).setPropertiesJson("{}")).build());
            } catch (RuntimeException e) {
                failures++;
            }
            try {
                IndexServiceGrpc.newBlockingStub(cluster.channel(node)).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .dropIndex(DropIndexRequest.newBuilder().setName(name).build());
                synchronized (dropped) {
                    dropped.add(name);
                }
            } catch (StatusRuntimeException e) {
                failures++;
            }
        }
        try {
            ChaosRunner.createIndex(cluster, KEPT, 1, 3, Duration.ofSeconds(10));
            keptCreated = true;
        } catch (RuntimeException e) {
            failures++;
        }
        ctx.log().info("side indexes: " + created + " created, " + dropped.size() + " dropped, " + failures
                + " calls failed; kept index created: " + keptCreated);
    }

    @Override
    public List<String> verify(ScenarioContext ctx) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> problems = List.of("not checked");
        for (int attempt = 0; attempt < 200 && System.nanoTime() < deadline; attempt++) {
            problems = localProblems(ctx.cluster());
            if (problems.isEmpty()) {
                return problems;
            }
            Sleep.millis(300);
        }
        return problems;
    }

    private List<String> localProblems(ChaosCluster cluster) {
        List<String> problems = new ArrayList<>();
        for (String node : cluster.nodeIds()) {
            ClusterStatusResponse local;
            try {
                local = NodeLocalServiceGrpc.newBlockingStub(cluster.channel(node))
                        .withDeadlineAfter(3, TimeUnit.SECONDS).localStatus(ClusterStatusRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                problems.add(node + ": no local status (" + e.getStatus().getCode() + ")");
                continue;
            }
            boolean hasKept = false;
            for (ReplicaStatus r : local.getReplicasList()) {
                String index = r.getIndex();
                if (index.equals(KEPT) || index.startsWith(KEPT + "_")) {
                    hasKept = true;
                    continue;
                }
                synchronized (dropped) {
                    for (String name : dropped) {
                        if (index.equals(name) || index.startsWith(name + "_")) {
                            problems.add(node + " still holds a replica of dropped index " + name + " (" + index
                                    + "/" + r.getShard() + ", " + r.getRole() + ")");
                        }
                    }
                }
            }
            if (keptCreated && !hasKept) {
                problems.add(node + " holds no replica of " + KEPT + ", created while it was partitioned");
            }
        }
        return problems;
    }
}

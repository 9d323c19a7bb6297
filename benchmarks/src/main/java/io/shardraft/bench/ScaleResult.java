package io.shardraft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one {@code bench scale} run. Per-node process figures are -1 when the node's process could
 * not be inspected (not on this machine, or not Linux).
 *
 * @param groupsPerNode     group replicas each node carries
 * @param createMillis      from the first CreateIndex to every shard of every index having a leader
 * @param nodes             per node: threads, heap and idle CPU (right after creation, and settled), before the
 *                          indexes and with them
 * @param loopbackBytesPerSec loopback traffic while idle (the whole machine: heartbeats of every group, and
 *                          anything else running); -1 if unknown
 * @param singleIndex       puts per second into one index
 * @param spread            puts per second spread over every index
 */
record ScaleResult(int indexes, int shards, int replicas, int groupsPerNode, long createMillis, List<Node> nodes,
        double loopbackBytesPerSec, double singleIndex, double spread, long writeErrors) {

    /** One node's figures. */
    record Node(String id, long pid, long threadsBefore, long threadsAfter, long heapBefore, long heapAfter,
            double idleCpuCores, double settledIdleCpuCores) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static double perGroup(long before, long after, int groups) {
        return before < 0 || after < 0 || groups == 0 ? -1 : (after - before) / (double) groups;
    }

    void printTable(PrintWriter out) {
        out.printf(Locale.ROOT, "indexes %d x shards %d x replicas %d: %d group replicas per node%n", indexes, shards,
                replicas, groupsPerNode);
        out.printf(Locale.ROOT, "created (every shard led) in %.1f s (%.1f ms per group replica per node)%n",
                createMillis / 1000.0, groupsPerNode == 0 ? 0 : createMillis / (double) groupsPerNode);
        out.printf(Locale.ROOT, "%-8s %8s %8s %10s %12s %12s %14s %14s %14s%n", "node", "threads", "thr/grp",
                "heap MiB", "heap KiB/grp", "idle CPU %", "settled CPU %", "before MiB", "before thr");
        for (Node n : nodes) {
            out.printf(Locale.ROOT, "%-8s %8s %8s %10s %12s %12s %14s %14s %14s%n", n.id(), fmt(n.threadsAfter()),
                    fmtD(perGroup(n.threadsBefore(), n.threadsAfter(), groupsPerNode), 2),
                    fmtD(n.heapAfter() < 0 ? -1 : n.heapAfter() / 1048576.0, 1),
                    fmtD(perGroup(n.heapBefore(), n.heapAfter(), groupsPerNode) < 0 ? -1
                            : perGroup(n.heapBefore(), n.heapAfter(), groupsPerNode) / 1024, 1),
                    fmtD(n.idleCpuCores() < 0 ? -1 : n.idleCpuCores() * 100, 1),
                    fmtD(n.settledIdleCpuCores() < 0 ? -1 : n.settledIdleCpuCores() * 100, 1),
                    fmtD(n.heapBefore() < 0 ? -1 : n.heapBefore() / 1048576.0, 1), fmt(n.threadsBefore()));
        }
        out.printf(Locale.ROOT, "idle loopback traffic (whole machine): %s KiB/s%n",
                fmtD(loopbackBytesPerSec < 0 ? -1 : loopbackBytesPerSec / 1024, 1));
        out.printf(Locale.ROOT, "puts/s: single index %.0f, spread over %d indexes %.0f (%.0f%% of single)%s%n",
                singleIndex, indexes, spread, singleIndex > 0 ? 100 * spread / singleIndex : 0,
                writeErrors > 0 ? ", " + writeErrors + " failed puts" : "");
    }

    private static String fmt(long v) {
        return v < 0 ? "n/a" : Long.toString(v);
    }

    private static String fmtD(double v, int decimals) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    String jsonText() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("indexes", indexes).put("shards", shards).put("replicas", replicas).put("groups_per_node", groupsPerNode)
                .put("create_ms", createMillis).put("idle_loopback_bytes_per_sec", loopbackBytesPerSec)
                .put("single_index_puts_per_sec", singleIndex).put("spread_puts_per_sec", spread)
                .put("write_errors", writeErrors);
        var arr = o.putArray("nodes");
        for (Node n : nodes) {
            arr.addObject().put("node", n.id()).put("pid", n.pid())
                    .put("threads_before", n.threadsBefore()).put("threads_after", n.threadsAfter())
                    .put("threads_per_group", perGroup(n.threadsBefore(), n.threadsAfter(), groupsPerNode))
                    .put("heap_before_bytes", n.heapBefore()).put("heap_after_bytes", n.heapAfter())
                    .put("heap_per_group_bytes", perGroup(n.heapBefore(), n.heapAfter(), groupsPerNode))
                    .put("idle_cpu_cores", n.idleCpuCores())
                    .put("settled_idle_cpu_cores", n.settledIdleCpuCores());
        }
        try {
            return MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

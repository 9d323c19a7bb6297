package io.shardraft.bench;

import com.google.common.base.Preconditions;
import io.shardraft.bench.BenchConfig.Target;
import java.time.Duration;
import java.util.List;

/**
 * One {@code bench compare}: the same workloads, client counts, phase length, payload and key space for every
 * system. Phases end after {@code duration} (no request bound).
 *
 * @param systems   which of {@link #SYSTEMS} to run, in that order
 * @param keys      keys (objects) pre-loaded for merge, get and mixed
 * @param jitWarmup a warm-up of each workload before its first phase, with the most clients of the run: time for the
 *                  JITs of the systems' JVMs (and the generator's) to compile that workload's code before anything
 *                  counts (a phase's own warm-up, {@code warmup}, follows with its own client count)
 */
record CompareConfig(List<String> systems, List<Workload> workloads, List<Integer> clients, Duration duration,
        Duration warmup, Duration jitWarmup, int batch, Payload payload, int keys, Duration timeout) {

    static final String SHARDRAFT = "shardraft";
    static final String ETCD = "etcd";
    static final String RHEAKV = "rheakv";
    static final List<String> SYSTEMS = List.of(SHARDRAFT, ETCD, RHEAKV);
    /** The default workloads: search has no peer equivalent and mixed is made of the others. */
    static final List<Workload> DEFAULT_WORKLOADS = List.of(Workload.PUT, Workload.IMPORT, Workload.MERGE,
            Workload.GET_STRONG, Workload.GET_EVENTUAL);

    CompareConfig {
        Preconditions.checkArgument(systems != null && !systems.isEmpty(), "at least one system");
        for (String s : systems) {
            Preconditions.checkArgument(SYSTEMS.contains(s), "unknown system '%s', expected one of %s", s, SYSTEMS);
        }
        systems = SYSTEMS.stream().filter(systems::contains).toList();
        Preconditions.checkArgument(workloads != null && !workloads.isEmpty(), "at least one workload");
        workloads = List.copyOf(workloads);
        // the shared bounds of a run (client counts, duration, batch, keys) are BenchConfig's
        benchConfig(workloads.get(0), clients, duration, warmup, batch, payload, keys, timeout);
        benchConfig(workloads.get(0), clients, duration, jitWarmup, batch, payload, keys, timeout);
        clients = List.copyOf(clients);
    }

    /** The clients of the JIT warm-up: the most of the run, so that the code is run most often. */
    int jitWarmupClients() {
        return clients.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** shardraft's run of {@code w}: leader target, 3 shards × 3 replicas, its own index. */
    BenchConfig benchConfig(Workload w) {
        return benchConfig(w, clients, duration, warmup, batch, payload, keys, timeout);
    }

    private static BenchConfig benchConfig(Workload w, List<Integer> clients, Duration duration, Duration warmup,
            int batch, Payload payload, int keys, Duration timeout) {
        return new BenchConfig(w, clients, duration, BenchConfig.MAX_REQUESTS, warmup, batch, payload, Target.LEADER,
                3, 3, keys, "compare-" + w.cliName() + "-" + Long.toHexString(System.nanoTime()), false, timeout, true);
    }
}

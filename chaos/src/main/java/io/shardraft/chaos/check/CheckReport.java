package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;

import java.util.Map;
import java.util.Objects;

/**
 * The result of every check on one run, and its text for people.
 *
 * @param operations   size of the history checked
 * @param originNanos  the history's first invoke time; report times are relative to it
 */
public record CheckReport(int operations, long originNanos, LostWriteResult lostWrites,
                          LinearizabilityResult linearizability, ReplicaResult replicas) {

    public CheckReport {
        Objects.requireNonNull(lostWrites, "lostWrites");
        Objects.requireNonNull(linearizability, "linearizability");
        Objects.requireNonNull(replicas, "replicas");
    }

    /** True only if no write was lost, every key was proven linearizable and all replicas agree. */
    public boolean passed() {
        return lostWrites.passed() && linearizability.passed() && replicas.passed();
    }

    /** Anomalies found: lost writes + non-linearizable keys + divergent shards (undecided keys not counted). */
    public int anomalies() {
        return lostWrites.lost().size() + linearizability.violations().size() + replicas.divergent().size();
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(passed() ? "PASS" : "FAIL").append(": ").append(operations).append(" operations, ")
                .append(anomalies()).append(" anomalies\n");

        out.append("lost writes: ").append(lostWrites.passed() ? "ok" : "FAIL").append(" (")
                .append(lostWrites.acknowledged()).append(" acknowledged writes checked)\n");
        for (LostWrite lost : lostWrites.lost()) {
            out.append("  lost: ").append(lost.write().describe(originNanos)).append("; final value ")
                    .append(lost.finalValue() == null ? "<absent>" : lost.finalValue()).append('\n');
        }

        out.append("linearizability: ").append(linearizability.passed() ? "ok" : "FAIL").append(" (")
                .append(linearizability.keys().size()).append(" keys, ")
                .append(linearizability.exploredStates()).append(" states explored)\n");
        for (KeyVerdict key : linearizability.violations()) {
            out.append("  key ").append(key.key()).append(": not linearizable; ")
                    .append(key.minimalComplete() ? "minimal" : "shrunk (budget reached)").append(" ")
                    .append(key.minimal().size()).append(" of ").append(key.operations())
                    .append(" operations with no linearization:\n");
            for (Operation op : key.minimal()) {
                out.append("    ").append(op.describe(originNanos)).append('\n');
            }
        }
        for (KeyVerdict key : linearizability.undecided()) {
            out.append("  key ").append(key.key()).append(": undecided, search limit reached after ")
                    .append(key.exploredStates()).append(" states (").append(key.operations())
                    .append(" operations)\n");
        }

        out.append("replicas: ").append(replicas.passed() ? "ok" : "FAIL").append(" (").append(replicas.shards())
                .append(" shards compared)\n");
        for (ReplicaDivergence shard : replicas.divergent()) {
            out.append("  shard ").append(shard.shard()).append(" differs:");
            for (Map.Entry<String, String> replica : shard.checksums().entrySet()) {
                out.append(' ').append(replica.getKey()).append('=')
                        .append(replica.getValue() == null ? "<unavailable>" : replica.getValue());
            }
            out.append('\n');
        }
        return out.toString();
    }
}

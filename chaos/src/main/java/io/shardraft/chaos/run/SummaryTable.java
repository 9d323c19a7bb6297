package io.shardraft.chaos.run;

import java.util.List;

/** The summary table of a chaos run. */
public final class SummaryTable {
    private SummaryTable() {
    }

    public static String render(List<ScenarioResult> results) {
        StringBuilder out = new StringBuilder();
        String format = "%-24s %6s %6s %6s %6s %6s %9s %9s %11s %8s %s%n";
        out.append(String.format(format, "scenario", "ops", "ack", "failed", "confl", "unkn", "anomalies",
                "undecided", "recovery_ms", "time_s", "result"));
        for (ScenarioResult r : results) {
            out.append(String.format(format, r.name(), r.operations(), r.acknowledged(), r.failed(), r.conflicts(),
                    r.unknown(), r.anomalies(), r.undecided(), r.recoveryMillis() < 0 ? "none" : r.recoveryMillis(),
                    String.format("%.1f", r.elapsedMillis() / 1000.0), r.passed() ? "PASS" : "FAIL"
                            + (r.history() != null ? " (history " + r.history() + ")" : "")));
        }
        return out.toString();
    }
}

package io.shardraft.chaos.run;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every chaos scenario in its short form, each on a fresh three-node cluster behind real Toxiproxy proxies: zero
 * anomalies, at least 200 acknowledged operations, and a recovery time. Results (and the history of a failed
 * scenario) are in {@code chaos/target/chaos-results/}.
 */
class ChaosScenariosTest {
    private static final Path OUT = Path.of("target", "chaos-results").toAbsolutePath();
    private static final List<ScenarioResult> RESULTS = new ArrayList<>();

    private static void assertScenario(Scenario scenario) {
        ScenarioResult r = new ChaosRunner(OUT, ChaosRunner.Timing.shortForm()).run(scenario);
        synchronized (RESULTS) {
            RESULTS.add(r);
        }
        System.out.print(SummaryTable.render(List.of(r)));
        System.out.println(r.details());
        assertEquals(0, r.anomalies(), () -> scenario.name() + ": anomalies (history " + r.history() + ")\n"
                + r.details());
        assertTrue(r.acknowledged() >= 200, () -> scenario.name() + ": only " + r.acknowledged()
                + " acknowledged operations");
        assertTrue(r.recoveryMillis() >= 0, () -> scenario.name() + ": no recovery after the heal");
    }

    @AfterAll
    static void summary() {
        System.out.print(SummaryTable.render(RESULTS));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void leaderIsolation() {
        assertScenario(Scenarios.leaderIsolation());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void killLeader() {
        assertScenario(Scenarios.killLeader());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void minorityPartition() {
        assertScenario(Scenarios.minorityPartition());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void latencyWithJitter() {
        assertScenario(Scenarios.latency());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void flipFlop() {
        assertScenario(Scenarios.flipFlop());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void bandwidthLimit() {
        assertScenario(Scenarios.bandwidth());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void timeoutOnOneLink() {
        assertScenario(Scenarios.timeoutLink());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void resetPeer() {
        assertScenario(Scenarios.resetPeer());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void slowClose() {
        assertScenario(Scenarios.slowClose());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void killFollower() {
        assertScenario(Scenarios.killFollower());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void rollingRestart() {
        assertScenario(Scenarios.rollingRestart());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void indexCreateDropWhilePartitioned() {
        assertScenario(Scenarios.indexLifecycleUnderPartition());
    }
}

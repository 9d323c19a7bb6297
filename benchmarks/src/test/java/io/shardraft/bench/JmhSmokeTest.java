package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Every JMH benchmark of the hot path runs once, very briefly, in this JVM (fork 0); no figure is asserted. */
class JmhSmokeTest {

    @Test
    void everyBenchmarkRunsAndReportsAScore() throws Exception {
        Options options = new OptionsBuilder()
                .include(BenchJmhCommand.DEFAULT_INCLUDE)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("objects", "300")
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Set<String> ran = new TreeSet<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            ran.add(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1));
            assertTrue(r.getPrimaryResult().getScore() > 0, name + " scored " + r.getPrimaryResult().getScore());
        }
        assertEquals(new TreeSet<>(Set.of("ChecksumBenchmark.checksum", "CommandCodecBenchmark.decodeBatch100",
                "CommandCodecBenchmark.decodePut", "CommandCodecBenchmark.encodeBatch100",
                "CommandCodecBenchmark.encodePut", "KnnSearchBenchmark.search", "ShardApplyBenchmark.applyBatch100",
                "ShardApplyBenchmark.applyPut")), ran);
    }

    @Test
    void theCommandListsTheBenchmarks() {
        BenchRun r = BenchRun.of("bench", "jmh", "-l");
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void aBadJmhOptionIsAUsageError() {
        BenchRun r = BenchRun.of("bench", "jmh", "-f", "not-a-number");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("shardraft: jmh: "), r.err());
    }
}

package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command contract: 2 on a usage error, 1 with one stderr line on an error. */
class BenchUsageTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "bench",
            "bench nope",
            "bench run --workload delete",
            "bench run --target follower",
            "bench run --clients 0",
            "bench run --clients 1,x",
            "bench run --clients 2000",
            "bench run --duration 0",
            "bench run --duration 4000",
            "bench run --ops 0",
            "bench run --batch 0",
            "bench run --props-bytes -1",
            "bench run --dims 0",
            "bench run --warmup -1",
            "bench run --timeout 0",
            "bench run --node nohostport",
            "bench run --frobnicate",
            "bench compare --jit c3",
            "bench compare --jit-warmup -1",
    })
    void usageErrorsExit2(String args) {
        BenchRun r = BenchRun.of(args.isEmpty() ? new String[0] : args.split(" "));
        assertEquals(2, r.exitCode(), args + " -> " + r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void helpExits0() {
        BenchRun r = BenchRun.of("bench", "run", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("--workload"), r.out());
    }

    @Test
    void noClusterIsAnErrorOfOneLine() {
        BenchRun r = BenchRun.of("bench", "run", "--data", dir.toString(), "--ops", "1");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("shardraft: no --node given and no local cluster"), r.err());
    }

    @Test
    void anUnreachableNodeIsAnErrorOfOneLine() {
        BenchRun r = BenchRun.of("bench", "run", "--node", "127.0.0.1:1", "--ops", "1", "--timeout", "2");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("shardraft: no node answered at [127.0.0.1:1]"), r.err());
    }
}

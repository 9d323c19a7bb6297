package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bench restart` on a small shard: it runs to the end and reports both figures (values not judged). */
class RestartBenchSmokeTest {
    @TempDir
    Path dir;

    @Test
    void printsRestartToReadyAndInstallThroughput() throws Exception {
        BenchRun r = BenchRun.of("bench", "restart", "--objects", "3000", "--batch", "500", "--tail", "5",
                "--dir", dir.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        Matcher restart = Pattern.compile("restart-to-ready of node\\d holding ([\\d,]+) objects").matcher(r.out());
        assertTrue(restart.find(), r.out());
        assertEquals("3,006", restart.group(1), "the restarted node holds every object: " + r.out());
        assertTrue(r.out().matches("(?s).*install-snapshot of node\\d: [\\d.]+ MB snapshot copied [\\d.]+ s after node start: [\\d.]+ MB/s.*"), r.out());
        assertTrue(Files.isDirectory(dir.resolve("node1")), "--dir holds the nodes' data");

        BenchRun bad = BenchRun.of("bench", "restart", "--objects", "0");
        assertEquals(2, bad.exitCode());
    }
}

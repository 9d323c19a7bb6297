package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsyncProbeTest {

    @Test
    void measuresTheRequestedBlocksAndLeavesNoFile(@TempDir Path dir) throws Exception {
        FsyncProbe.Result r = FsyncProbe.measure(dir, 5, Duration.ofSeconds(30));
        assertEquals(5, r.samples());
        assertTrue(r.p50Micros() >= 1 && r.p50Micros() <= r.p99Micros() && r.p99Micros() <= r.maxMicros(), r.toString());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}

package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotHistoryTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheNewestNAndSurvivesTheSourceBeingDeleted() throws Exception {
        SnapshotHistory history = new SnapshotHistory(dir, 2);
        for (long index = 10; index <= 40; index += 10) {
            Path root = dir.resolve("src" + index);
            Path file = root.resolve("host").resolve("objects.snap");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "state at " + index);
            history.record(index, root, List.of(file));
            Directories.deleteRecursively(root); // JRaft removes its older snapshot
        }
        List<Path> kept = history.kept();
        assertEquals(List.of("snapshot_30", "snapshot_40"), kept.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("state at 40", Files.readString(kept.get(1).resolve("host").resolve("objects.snap")));

        new SnapshotHistory(dir, 1).record(50, dir, List.of());
        assertFalse(Files.exists(dir.resolve(SnapshotHistory.DIR)), "keep 1: nothing beyond JRaft's own snapshot");
    }
}

package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps the host files of a group's last N snapshots in {@code raft/snapshot-history/snapshot_<index>}
 * (JRaft itself keeps only the latest in {@code raft/snapshot}); older ones are deleted. Files are hard
 * links where the file system allows, so the newest entry costs no space while JRaft still holds it.
 * With N = 1 nothing is kept beyond JRaft's own snapshot and the directory is removed.
 */
final class SnapshotHistory {
    static final String DIR = "snapshot-history";
    private static final String PREFIX = "snapshot_";

    private final Path dir;
    private final int keep;

    SnapshotHistory(Path raftDir, int keep) {
        Preconditions.checkArgument(keep >= 1, "keep must be at least 1, got %s", keep);
        this.dir = raftDir.resolve(DIR);
        this.keep = keep;
    }

    /** Records the snapshot at {@code index} whose files are {@code files} under {@code root}, then prunes. */
    void record(long index, Path root, List<Path> files) throws IOException {
        if (keep == 1) {
            Directories.deleteRecursively(dir);
            return;
        }
        Path target = dir.resolve(PREFIX + index);
        Path tmp = dir.resolve("tmp_" + index);
        Directories.deleteRecursively(tmp);
        for (Path f : files) {
            Path to = tmp.resolve(root.relativize(f).toString());
            Files.createDirectories(to.getParent());
            try {
                Files.createLink(to, f);
            } catch (UnsupportedOperationException | FileSystemException e) {
                Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Directories.deleteRecursively(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        List<Path> all = kept();
        for (int i = 0; i + keep < all.size(); i++) {
            Directories.deleteRecursively(all.get(i));
        }
    }

    /** The kept snapshots, oldest first. */
    List<Path> kept() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+"))
                    .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(PREFIX.length()))))
                    .toList();
        }
    }
}

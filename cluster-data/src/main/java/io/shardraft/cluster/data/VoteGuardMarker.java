package io.shardraft.cluster.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The durable half of a {@link VoteGuard}: a file {@code vote-guard} in a group's raft directory holding the
 * last log index the replica had before {@link PeerRestore} emptied its log. It is written and fsynced (file
 * and directory) before the log is purged, so a crash at any point after the purge still finds it, and
 * deleted only once the replica has applied that index again.
 */
final class VoteGuardMarker {
    static final String FILE = "vote-guard";

    private VoteGuardMarker() {
    }

    static Path path(Path raftDir) {
        return raftDir.resolve(FILE);
    }

    /** Writes {@code index} durably (temporary file, fsync, atomic rename, fsync of the directory). */
    static void write(Path raftDir, long index) throws IOException {
        Files.createDirectories(raftDir);
        Path tmp = raftDir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((index + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, path(raftDir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(raftDir);
    }

    /** The recorded index, or empty when the replica is not guarded. A marker that does not parse is an error. */
    static OptionalLong read(Path raftDir) throws IOException {
        Path p = path(raftDir);
        String text;
        try {
            text = Files.readString(p, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IOException("the vote guard " + p + " does not hold a log index: '" + text + "'", e);
        }
    }

    /** Deletes the marker (durably); a missing one is fine. */
    static void delete(Path raftDir) throws IOException {
        if (Files.deleteIfExists(path(raftDir))) {
            syncDirectory(raftDir);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

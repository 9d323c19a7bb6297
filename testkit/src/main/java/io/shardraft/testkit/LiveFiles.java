package io.shardraft.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Predicate;

/**
 * Sizes of the files under a directory that a running node changes while a test looks at it (JRaft writes a
 * snapshot into {@code temp/} and renames it, RocksDB deletes its old files): a file or directory that goes
 * away between being listed and being read counts as absent instead of failing the walk, which
 * {@link Files#walk} does with a {@link NoSuchFileException}.
 */
public final class LiveFiles {
    private LiveFiles() {
    }

    /** Bytes of all regular files under {@code dir}; 0 when it does not exist. */
    public static long bytes(Path dir) {
        return bytes(dir, p -> true);
    }

    /** Bytes of the regular files under {@code dir} that {@code include} accepts; 0 when it does not exist. */
    public static long bytes(Path dir, Predicate<Path> include) {
        return fold(dir, include, false);
    }

    /** The largest regular file under {@code dir} that {@code include} accepts; 0 when there is none. */
    public static long largest(Path dir, Predicate<Path> include) {
        return fold(dir, include, true);
    }

    private static long fold(Path dir, Predicate<Path> include, boolean max) {
        long[] acc = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && include.test(file)) {
                        long size = attrs.size();
                        acc[0] = max ? Math.max(acc[0], size) : acc[0] + size;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sizes under " + dir, e);
        }
        return acc[0];
    }
}

package io.shardraft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveFilesTest {
    @TempDir
    Path dir;

    @Test
    void sumsAndFindsTheLargestOfTheAcceptedFiles() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        Files.write(dir.resolve("a/x.snap"), new byte[10]);
        Files.write(dir.resolve("a/b/y.snap"), new byte[30]);
        Files.write(dir.resolve("z.log"), new byte[5]);
        assertEquals(45, LiveFiles.bytes(dir));
        assertEquals(40, LiveFiles.bytes(dir, p -> p.toString().endsWith(".snap")));
        assertEquals(30, LiveFiles.largest(dir, p -> p.toString().endsWith(".snap")));
        assertEquals(0, LiveFiles.bytes(dir.resolve("none")));
    }

    /**
     * What a node does to its snapshot directory while a test sums it: an entry of a directory, listed already
     * (the names of a directory are read in one go), is gone when the walk reads its attributes.
     */
    @Test
    void entriesRemovedDuringTheWalkCountAsAbsent() throws IOException {
        Path host = dir.resolve("temp/host");
        Files.createDirectories(host.resolve("d"));
        Files.write(host.resolve("f"), new byte[7]);
        Files.write(host.resolve("d/g"), new byte[100]);
        // the first file visited removes the other entry of host, whichever of the two the walk reaches first
        long[] first = {-1};
        long seen = LiveFiles.bytes(dir, p -> {
            if (first[0] < 0) {
                first[0] = p.toFile().length();
                deleteTree(p.equals(host.resolve("f")) ? host.resolve("d") : host.resolve("f"));
            }
            return true;
        });
        assertEquals(1, Stream.of(host.resolve("f"), host.resolve("d")).filter(Files::exists).count(),
                "one entry was removed mid-walk");
        assertEquals(first[0], seen, "only the file visited before the removal counts");
    }

    private static void deleteTree(Path d) {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.shardraft.node.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot file's layout (what other builds read and write) and its refusal of damaged files. */
class SnapshotFileTest {
    @TempDir
    Path dir;

    /** Enough objects that the body spans many 64 KiB buffers. */
    private static TreeMap<String, byte[]> objects() {
        TreeMap<String, byte[]> m = new TreeMap<>();
        Random r = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] v = new byte[r.nextInt(600)];
            r.nextBytes(v);
            m.put(String.format("%08d-object", i), v);
        }
        return m;
    }

    @Test
    void theTrailerIsTheSha256OfEverythingBeforeItAndTheObjectsReadBackInOrder() throws Exception {
        TreeMap<String, byte[]> m = objects();
        Path f = dir.resolve(SnapshotFile.FILE_NAME);
        SnapshotFile.write(f, 42, m.size(), m.entrySet().iterator());

        byte[] bytes = Files.readAllBytes(f);
        byte[] body = Arrays.copyOf(bytes, bytes.length - 32);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body),
                Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length), "format 1: SHA-256 trailer");

        List<Map.Entry<String, byte[]>> read = new ArrayList<>();
        SnapshotFile.Header h = SnapshotFile.read(f, (id, v) -> read.add(Map.entry(id, v)));
        assertEquals(new SnapshotFile.Header(42, m.size()), h);
        assertEquals(new ArrayList<>(m.keySet()), read.stream().map(Map.Entry::getKey).toList());
        for (Map.Entry<String, byte[]> e : read) {
            assertArrayEquals(m.get(e.getKey()), e.getValue(), e.getKey());
        }
    }

    @Test
    void aFlippedByteATruncationOrBytesAfterTheTrailerAreRefusedNamingTheFile() throws Exception {
        TreeMap<String, byte[]> m = objects();
        Path good = dir.resolve("good.snap");
        SnapshotFile.write(good, 7, m.size(), m.entrySet().iterator());
        byte[] bytes = Files.readAllBytes(good);

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10; // inside some object's value: only the trailer can tell
        assertRefused(flipped, "flipped");
        assertRefused(Arrays.copyOf(bytes, bytes.length - 1), "truncated");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 5);
        assertRefused(longer, "longer");
        byte[] badTrailer = bytes.clone();
        badTrailer[bytes.length - 1] ^= 1;
        assertRefused(badTrailer, "trailer");
    }

    private void assertRefused(byte[] content, String name) throws IOException {
        Path f = dir.resolve(name + ".snap");
        Files.write(f, content);
        IOException e = assertThrows(IOException.class, () -> SnapshotFile.read(f, (id, v) -> { }), name);
        assertTrue(e.getMessage().contains(f.toString()), name + ": " + e.getMessage());
    }
}

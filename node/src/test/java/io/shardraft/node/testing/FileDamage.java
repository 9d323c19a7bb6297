package io.shardraft.node.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Damages bytes of a file in place, the way a bad sector or a torn write would. */
public final class FileDamage {
    private FileDamage() {
    }

    /** Flips one bit of the last byte of every occurrence of {@code text} in {@code file}; returns how many. */
    public static int flipInside(Path file, String text) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        int found = 0;
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            boolean match = true;
            for (int j = 0; j < needle.length && match; j++) {
                match = bytes[i + j] == needle[j];
            }
            if (match) {
                bytes[i + needle.length - 1] ^= 0x01;
                found++;
            }
        }
        Files.write(file, bytes);
        return found;
    }
}

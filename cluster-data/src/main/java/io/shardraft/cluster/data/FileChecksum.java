package io.shardraft.cluster.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The checksum recorded for each file of a snapshot in JRaft's snapshot meta: CRC32C of the content and
 * its length, in hex. JRaft compares it (filterBeforeCopyRemote) to keep a file a follower already holds
 * rather than download it again.
 */
final class FileChecksum {
    private static final int BUFFER = 1 << 16;

    private FileChecksum() {
    }

    static String of(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long length = 0;
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
                length += n;
            }
        }
        return Long.toHexString(crc.getValue()) + "-" + Long.toHexString(length);
    }
}

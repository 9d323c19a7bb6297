package io.shardraft.node.store;

import com.google.common.io.ByteStreams;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.Map;

/**
 * The portable snapshot of one shard: {@code magic:i64 | format:i32 | lastApplied:i64 | count:i64},
 * then {@code count} times {@code idLen:i32 | id:utf8 | valueLen:i32 | value} (value as in
 * {@link ObjectCodec}) in id order, then the SHA-256 of everything before it (32 bytes) and end of file.
 * Independent of MapDB's file layout, so a snapshot can be installed on any replica.
 */
final class SnapshotFile {

    static final String FILE_NAME = "objects.snap";
    static final int FORMAT_VERSION = 1;
    private static final long MAGIC = 0x5348_5244_534E_4150L; // "SHRDSNAP"
    private static final int MAX_ID_BYTES = 256;
    private static final int MAX_VALUE_BYTES = 256 << 20;
    private static final int BUFFER = 1 << 16;
    /** The SHA-256 at the end. */
    private static final int TRAILER_BYTES = 32;

    /** What the header says. */
    record Header(long lastAppliedIndex, long objectCount) {
    }

    @FunctionalInterface
    interface EntrySink {
        void accept(String id, byte[] value) throws IOException;
    }

    private SnapshotFile() {
    }

    /**
     * Writes the snapshot to {@code file} via a temporary file that is synced and then moved into place,
     * so a crash never leaves a half-written {@code file}.
     */
    static void write(Path file, long lastAppliedIndex, long count, Iterator<Map.Entry<String, byte[]>> entries)
            throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        MessageDigest sha = sha256();
        try (FileOutputStream fos = new FileOutputStream(tmp.toFile())) {
            // The digest under the buffer, so it hashes 64 KiB at a time: above it, it was handed each field,
            // DataOutputStream's ints byte by byte, and hashing was most of a large snapshot's save time.
            DigestOutputStream digesting = new DigestOutputStream(fos, sha);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(digesting, BUFFER));
            out.writeLong(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeLong(lastAppliedIndex);
            out.writeLong(count);
            long written = 0;
            while (entries.hasNext()) {
                Map.Entry<String, byte[]> e = entries.next();
                byte[] id = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(id.length);
                out.write(id);
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
                written++;
            }
            if (written != count) {
                throw new IOException("snapshot " + file + ": expected " + count + " objects, wrote " + written);
            }
            out.flush(); // everything before the trailer went through the digest
            fos.write(sha.digest());
            fos.getFD().sync();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads {@code file}, handing each entry to {@code sink} in file order, and verifies the trailer.
     * The sink sees entries before the trailer is checked: callers that must not act on a bad file read it
     * twice (verify first, then import) or undo the sink's work on failure.
     *
     * @throws IOException naming the file if it is missing, truncated, malformed or its checksum differs
     */
    static Header read(Path file, EntrySink sink) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream raw = Files.newInputStream(file)) {
            // As when writing, the digest reads 64 KiB at a time under the buffer, which must not read ahead into
            // the trailer: it sees the bytes before it only.
            long body = Math.max(0, Files.size(file) - TRAILER_BYTES);
            DataInputStream in = new DataInputStream(new BufferedInputStream(
                    new DigestInputStream(ByteStreams.limit(raw, body), sha), BUFFER));
            if (in.readLong() != MAGIC) {
                throw new IOException("not a shard snapshot");
            }
            int format = in.readInt();
            if (format != FORMAT_VERSION) {
                throw new IOException("unsupported snapshot format " + format);
            }
            long lastApplied = in.readLong();
            long count = in.readLong();
            if (lastApplied < 0 || count < 0) {
                throw new IOException("bad header (lastApplied " + lastApplied + ", count " + count + ")");
            }
            for (long i = 0; i < count; i++) {
                String id = new String(readBlock(in, MAX_ID_BYTES, "id"), StandardCharsets.UTF_8);
                sink.accept(id, readBlock(in, MAX_VALUE_BYTES, "value"));
            }
            if (in.read() != -1) {
                throw new IOException("bytes after the last object");
            }
            byte[] expected = sha.digest();
            byte[] trailer = raw.readNBytes(expected.length);
            if (trailer.length != expected.length) {
                throw new EOFException("missing checksum trailer");
            }
            if (!MessageDigest.isEqual(expected, trailer)) {
                throw new IOException("checksum mismatch");
            }
            if (raw.read() != -1) {
                throw new IOException("trailing bytes after the checksum");
            }
            return new Header(lastApplied, count);
        } catch (EOFException e) {
            throw new IOException("snapshot file " + file + " is truncated", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains(file.toString())) {
                throw e;
            }
            throw new IOException("snapshot file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    private static byte[] readBlock(DataInputStream in, int max, String what) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > max) {
            throw new IOException("bad " + what + " length " + len);
        }
        byte[] bytes = new byte[len];
        in.readFully(bytes);
        return bytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}

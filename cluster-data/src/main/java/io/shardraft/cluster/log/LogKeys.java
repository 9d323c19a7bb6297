package io.shardraft.cluster.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key layout of the shared log store: {@code <group id, UTF-8> 0x00 <log index, 8 bytes big-endian>}
 * for entries (default column family) and configuration entries (the {@code conf} column family), and
 * {@code <group id> 0x00 'F'} for a group's first log index (conf column family), and {@code <group id> 0x00}
 * for its Raft meta (the {@code meta} column family, out of reach of the log's range deletes). Group ids
 * never hold a NUL byte, so one group's keys form the contiguous range {@code [<id> 0x00, <id> 0x01)} that
 * no other group's keys fall into; big-endian indexes sort in log order under RocksDB's bytewise comparator.
 */
final class LogKeys {
    private static final byte SEPARATOR = 0;
    private static final byte FIRST_INDEX_MARK = 'F';

    private final byte[] prefix;

    LogKeys(String groupId) {
        byte[] id = groupId.getBytes(StandardCharsets.UTF_8);
        for (byte b : id) {
            if (b == SEPARATOR) {
                throw new IllegalArgumentException("group id holds a NUL byte: " + groupId);
            }
        }
        this.prefix = Arrays.copyOf(id, id.length + 1);
        this.prefix[id.length] = SEPARATOR;
    }

    /** The key of the entry at {@code index}. */
    byte[] entry(long index) {
        return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(index).array();
    }

    /** The key that records the group's first log index. */
    byte[] firstIndex() {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 1);
        k[prefix.length] = FIRST_INDEX_MARK;
        return k;
    }

    /** The key of the group's Raft meta (meta column family). */
    byte[] meta() {
        return prefix.clone();
    }

    /** Inclusive lower bound of every key of this group. */
    byte[] groupStart() {
        return prefix.clone();
    }

    /** Exclusive upper bound of every key of this group. */
    byte[] groupEnd() {
        byte[] k = prefix.clone();
        k[k.length - 1] = SEPARATOR + 1;
        return k;
    }

    /** Whether {@code key} is an entry key of this group. */
    boolean isEntry(byte[] key) {
        return key.length == prefix.length + Long.BYTES && startsWithPrefix(key);
    }

    boolean isFirstIndex(byte[] key) {
        return key.length == prefix.length + 1 && key[prefix.length] == FIRST_INDEX_MARK && startsWithPrefix(key);
    }

    /** The log index of an entry key of this group. */
    long indexOf(byte[] key) {
        return ByteBuffer.wrap(key, prefix.length, Long.BYTES).getLong();
    }

    private boolean startsWithPrefix(byte[] key) {
        return Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}

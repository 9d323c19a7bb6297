package io.shardraft.node.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.Serializer;
import org.mapdb.serializer.GroupSerializer;

/**
 * The key serializer of a shard's object tree. Keys are object ids, kept and ordered as MapDB's
 * {@code Serializer.STRING} keeps them (the same comparator, String order, hash and single-key encoding), so lookups,
 * iteration order, cursors and checksums are unchanged. Only a tree node's key array differs, stored and held in
 * memory in the same form ({@link KeyBlock}): the keys' lengths, then all their bytes in one block (a byte per char
 * for ASCII keys, as object ids are; two, UTF-16, for any other key, so every key reads back exactly).
 *
 * <p>Why: a put walks one node per tree level and rewrites a leaf. {@code Serializer.STRING} reads and writes every
 * char as a packed int, one volume access each, and holds a node as a {@code char[]} per key, so each visited node
 * costs an array per key, and each step of the binary search a new String. Here reading a node is one bulk copy, its
 * search compares the id with the bytes in place, writing it back is one bulk write, and a String is made only for
 * a key someone asks for. A profile of followers under concurrent puts had the key arrays' decoding, encoding and
 * search at about a third of the whole apply.
 *
 * <p>Files created before this serializer keep {@code Serializer.STRING}: MapDB records a built-in serializer in the
 * file's catalog and uses the recorded one on open, whatever the code passes. This serializer is not a built-in,
 * so a file created with it records none and is always read with the serializer the code passes, this one. Such a
 * file cannot be read by a build older than the first one with this class; the stored form has not changed since.
 */
final class ObjectIdKeys implements GroupSerializer<String> {

    static final ObjectIdKeys INSTANCE = new ObjectIdKeys();

    private ObjectIdKeys() {
    }

    // A single key, its hash and its order: exactly MapDB's STRING.

    @Override
    public void serialize(DataOutput2 out, String value) throws IOException {
        Serializer.STRING.serialize(out, value);
    }

    @Override
    public String deserialize(DataInput2 in, int available) throws IOException {
        return Serializer.STRING.deserialize(in, available);
    }

    @Override
    public boolean isTrusted() {
        return true;
    }

    @Override
    public int compare(String first, String second) {
        return Serializer.STRING.compare(first, second);
    }

    @Override
    public int hashCode(String value, int seed) {
        return Serializer.STRING.hashCode(value, seed);
    }

    // A node's keys: one KeyBlock.

    @Override
    public void valueArraySerialize(DataOutput2 out, Object vals) throws IOException {
        KeyBlock keys = (KeyBlock) vals;
        for (int head : keys.heads) {
            out.packInt(head);
        }
        out.write(keys.bytes);
    }

    @Override
    public KeyBlock valueArrayDeserialize(DataInput2 in, int size) throws IOException {
        int[] heads = new int[size];
        for (int i = 0; i < size; i++) {
            heads[i] = in.unpackInt();
        }
        KeyBlock keys = new KeyBlock(heads);
        in.readFully(keys.bytes);
        return keys;
    }

    @Override
    public int valueArraySearch(Object keys, String key) {
        return ((KeyBlock) keys).search(key, null);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public int valueArraySearch(Object vals, String key, Comparator comparator) {
        // the tree's own order is String order: compared in place
        return ((KeyBlock) vals).search(key, comparator == this ? null : comparator);
    }

    @Override
    public String valueArrayGet(Object vals, int pos) {
        return ((KeyBlock) vals).get(pos);
    }

    @Override
    public int valueArraySize(Object vals) {
        return ((KeyBlock) vals).size();
    }

    @Override
    public KeyBlock valueArrayEmpty() {
        return KeyBlock.EMPTY;
    }

    @Override
    public KeyBlock valueArrayPut(Object vals, int pos, String newValue) {
        KeyBlock keys = (KeyBlock) vals;
        return KeyBlock.join(keys, 0, pos, KeyBlock.of(newValue), keys, pos, keys.size());
    }

    @Override
    public KeyBlock valueArrayUpdateVal(Object vals, int pos, String newValue) {
        KeyBlock keys = (KeyBlock) vals;
        return KeyBlock.join(keys, 0, pos, KeyBlock.of(newValue), keys, pos + 1, keys.size());
    }

    @Override
    public KeyBlock valueArrayFromArray(Object[] objects) {
        String[] strings = new String[objects.length];
        for (int i = 0; i < objects.length; i++) {
            strings[i] = (String) objects[i];
        }
        return KeyBlock.of(strings);
    }

    @Override
    public KeyBlock valueArrayCopyOfRange(Object vals, int from, int to) {
        KeyBlock keys = (KeyBlock) vals;
        return KeyBlock.join(keys, from, to, KeyBlock.EMPTY, keys, 0, 0);
    }

    /** Removes the key at {@code pos - 1}: MapDB 3.1's value arrays count this position from 1 (SerializerString). */
    @Override
    public KeyBlock valueArrayDeleteValue(Object vals, int pos) {
        KeyBlock keys = (KeyBlock) vals;
        return KeyBlock.join(keys, 0, pos - 1, KeyBlock.EMPTY, keys, pos, keys.size());
    }

    /**
     * A tree node's keys as stored: {@code heads[i]} is key i's byte length shifted left by one, its low bit set
     * for a UTF-16 key (two bytes per char, big-endian) and clear for an ASCII one (a byte per char); {@code bytes}
     * holds all keys' bytes back to back. Immutable: MapDB copies a node's key array to change it.
     */
    static final class KeyBlock {
        static final KeyBlock EMPTY = new KeyBlock(new int[0]);

        final int[] heads;
        /** Where key i starts in {@link #bytes}; key i ends where key i + 1 starts. */
        private final int[] starts;
        final byte[] bytes;

        private KeyBlock(int[] heads) {
            this.heads = heads;
            this.starts = new int[heads.length + 1];
            for (int i = 0; i < heads.length; i++) {
                starts[i + 1] = starts[i] + (heads[i] >>> 1);
            }
            this.bytes = new byte[starts[heads.length]];
        }

        static KeyBlock of(String... keys) {
            byte[][] encoded = new byte[keys.length][];
            int[] heads = new int[keys.length];
            for (int i = 0; i < keys.length; i++) {
                encoded[i] = encode(keys[i]);
                heads[i] = encoded[i].length << 1 | (encoded[i].length == keys[i].length() ? 0 : 1);
            }
            KeyBlock block = new KeyBlock(heads);
            for (int i = 0; i < keys.length; i++) {
                System.arraycopy(encoded[i], 0, block.bytes, block.starts[i], encoded[i].length);
            }
            return block;
        }

        /** Keys {@code [aFrom, aTo)} of {@code a}, then all of {@code middle}, then {@code [bFrom, bTo)} of {@code b}. */
        static KeyBlock join(KeyBlock a, int aFrom, int aTo, KeyBlock middle, KeyBlock b, int bFrom, int bTo) {
            int aCount = aTo - aFrom;
            int bCount = bTo - bFrom;
            int[] heads = new int[aCount + middle.size() + bCount];
            System.arraycopy(a.heads, aFrom, heads, 0, aCount);
            System.arraycopy(middle.heads, 0, heads, aCount, middle.size());
            System.arraycopy(b.heads, bFrom, heads, aCount + middle.size(), bCount);
            KeyBlock block = new KeyBlock(heads);
            int aBytes = a.starts[aTo] - a.starts[aFrom];
            System.arraycopy(a.bytes, a.starts[aFrom], block.bytes, 0, aBytes);
            System.arraycopy(middle.bytes, 0, block.bytes, aBytes, middle.bytes.length);
            System.arraycopy(b.bytes, b.starts[bFrom], block.bytes, aBytes + middle.bytes.length,
                    b.starts[bTo] - b.starts[bFrom]);
            return block;
        }

        int size() {
            return heads.length;
        }

        boolean ascii(int i) {
            return (heads[i] & 1) == 0;
        }

        String get(int i) {
            int start = starts[i];
            int length = starts[i + 1] - start;
            if (ascii(i)) {
                return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
            }
            char[] chars = new char[length / 2];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = wideChar(start + 2 * c);
            }
            return new String(chars);
        }

        /**
         * Binary search (as {@code Arrays.binarySearch}: the position, or -(insertion point) - 1) in {@code order}, or
         * with null in String order, comparing the key with the stored bytes in place.
         */
        int search(String key, Comparator<? super String> order) {
            int lo = 0;
            int hi = heads.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = order == null ? compare(key, mid) : order.compare(key, get(mid));
                if (c == 0) {
                    return mid;
                } else if (c < 0) {
                    hi = mid - 1;
                } else {
                    lo = mid + 1;
                }
            }
            return -(lo + 1);
        }

        /** {@code key.compareTo(get(i))}'s sign, without making the String. */
        int compare(String key, int i) {
            int start = starts[i];
            boolean ascii = ascii(i);
            int length = ascii ? starts[i + 1] - start : (starts[i + 1] - start) / 2;
            int n = Math.min(key.length(), length);
            for (int c = 0; c < n; c++) {
                char stored = ascii ? (char) (bytes[start + c] & 0xff) : wideChar(start + 2 * c);
                char k = key.charAt(c);
                if (k != stored) {
                    return k - stored;
                }
            }
            return key.length() - length;
        }

        private char wideChar(int at) {
            return (char) ((bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff));
        }

        /** A byte per char if every char is ASCII, else two (UTF-16BE: any char sequence, unpaired surrogates too). */
        private static byte[] encode(String key) {
            int n = key.length();
            for (int i = 0; i < n; i++) {
                if (key.charAt(i) >= 0x80) {
                    byte[] wide = new byte[2 * n];
                    for (int j = 0; j < n; j++) {
                        char c = key.charAt(j);
                        wide[2 * j] = (byte) (c >>> 8);
                        wide[2 * j + 1] = (byte) c;
                    }
                    return wide;
                }
            }
            return key.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            String[] keys = new String[size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = get(i);
            }
            return Arrays.toString(keys);
        }
    }
}

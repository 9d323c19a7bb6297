package io.shardraft.node.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.serializer.SerializerString;

/**
 * The key serializer of a shard's object tree. Keys are object ids, kept and ordered as MapDB's
 * {@code Serializer.STRING} keeps them (the same in-memory form, comparator and single-key encoding), so lookups,
 * iteration order, cursors and checksums are unchanged. Only a tree node's key array is stored differently: the
 * keys' UTF-8 lengths, then all their bytes in one block, read back with one bulk copy out of the volume.
 * {@code Serializer.STRING} writes and reads every char as a packed int, one volume access each; a profile of the
 * apply path (put and batched import) showed that decoding at 40–50 % of the whole apply, since a put decodes one
 * node per tree level.
 *
 * <p>Files created before this serializer keep {@code Serializer.STRING}: MapDB records a built-in serializer in the
 * file's catalog and uses the recorded one on open, whatever the code passes. This serializer is not a built-in,
 * so a file created with it records none and is always read with the serializer the code passes, this one. Such a
 * file cannot be read by a build older than this class.
 */
final class ObjectIdKeys extends SerializerString {

    static final ObjectIdKeys INSTANCE = new ObjectIdKeys();

    private ObjectIdKeys() {
    }

    @Override
    public void valueArraySerialize(DataOutput2 out, Object vals) throws IOException {
        char[][] keys = (char[][]) vals;
        byte[][] encoded = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            encoded[i] = utf8(keys[i]);
            out.packInt(encoded[i].length);
        }
        for (byte[] e : encoded) {
            out.write(e);
        }
    }

    @Override
    public char[][] valueArrayDeserialize(DataInput2 in, int size) throws IOException {
        int[] lengths = new int[size];
        int total = 0;
        for (int i = 0; i < size; i++) {
            lengths[i] = in.unpackInt();
            total += lengths[i];
        }
        byte[] all = new byte[total];
        in.readFully(all);
        char[][] keys = new char[size][];
        int offset = 0;
        for (int i = 0; i < size; i++) {
            keys[i] = chars(all, offset, lengths[i]);
            offset += lengths[i];
        }
        return keys;
    }

    private static byte[] utf8(char[] key) {
        byte[] ascii = new byte[key.length];
        for (int i = 0; i < key.length; i++) {
            char c = key[i];
            if (c >= 0x80) {
                return new String(key).getBytes(StandardCharsets.UTF_8);
            }
            ascii[i] = (byte) c;
        }
        return ascii;
    }

    private static char[] chars(byte[] bytes, int offset, int length) {
        char[] ascii = new char[length];
        for (int i = 0; i < length; i++) {
            byte b = bytes[offset + i];
            if (b < 0) {
                return new String(bytes, offset, length, StandardCharsets.UTF_8).toCharArray();
            }
            ascii[i] = (char) b;
        }
        return ascii;
    }
}

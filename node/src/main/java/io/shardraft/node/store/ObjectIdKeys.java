package io.shardraft.node.store;

import java.io.IOException;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.serializer.SerializerString;

/**
 * The key serializer of a shard's object tree. Keys are object ids, kept and ordered as MapDB's
 * {@code Serializer.STRING} keeps them (the same in-memory form, comparator and single-key encoding), so lookups,
 * iteration order, cursors and checksums are unchanged. Only a tree node's key array is stored differently: the
 * keys' lengths, then all their bytes in one block (a byte per char for ASCII keys, as object ids are; two, UTF-16,
 * for any other key, so every char array reads back exactly), read back with one bulk copy out of the volume.
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
            encoded[i] = encode(keys[i]);
            // the low bit tells an ASCII key (a byte per char) from any other (two bytes per char, UTF-16BE)
            out.packInt(encoded[i].length << 1 | (encoded[i].length == keys[i].length ? 0 : 1));
        }
        for (byte[] e : encoded) {
            out.write(e);
        }
    }

    @Override
    public char[][] valueArrayDeserialize(DataInput2 in, int size) throws IOException {
        int[] heads = new int[size];
        int total = 0;
        for (int i = 0; i < size; i++) {
            heads[i] = in.unpackInt();
            total += heads[i] >>> 1;
        }
        byte[] all = new byte[total];
        in.readFully(all);
        char[][] keys = new char[size][];
        int offset = 0;
        for (int i = 0; i < size; i++) {
            int length = heads[i] >>> 1;
            keys[i] = (heads[i] & 1) == 0 ? ascii(all, offset, length) : utf16(all, offset, length);
            offset += length;
        }
        return keys;
    }

    /** A byte per char if every char is ASCII, else two (UTF-16BE: any char array, unpaired surrogates too). */
    private static byte[] encode(char[] key) {
        byte[] ascii = new byte[key.length];
        for (int i = 0; i < key.length; i++) {
            char c = key[i];
            if (c >= 0x80) {
                byte[] wide = new byte[2 * key.length];
                for (int j = 0; j < key.length; j++) {
                    wide[2 * j] = (byte) (key[j] >>> 8);
                    wide[2 * j + 1] = (byte) key[j];
                }
                return wide;
            }
            ascii[i] = (byte) c;
        }
        return ascii;
    }

    private static char[] ascii(byte[] bytes, int offset, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) bytes[offset + i];
        }
        return chars;
    }

    private static char[] utf16(byte[] bytes, int offset, int length) {
        char[] chars = new char[length / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ((bytes[offset + 2 * i] & 0xff) << 8 | (bytes[offset + 2 * i + 1] & 0xff));
        }
        return chars;
    }
}

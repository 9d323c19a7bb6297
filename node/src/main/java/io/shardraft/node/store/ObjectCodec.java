package io.shardraft.node.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The binary form of a stored object's value (the id is the key, stored beside it). One format for the
 * MapDB file and the snapshot file:
 * {@code format:u8 | version:i64 | createdAt:i64 | updatedAt:i64 | propsLen:i32 | props:utf8 |
 * dims:i32 (-1 = no vector) | floats | crc32c:i32}. The CRC32C covers the id's UTF-8 bytes and everything
 * before it, so a record damaged on disk (or moved under another key) is refused on every read instead of
 * being served, and a verification pass can find it at start.
 */
final class ObjectCodec {

    static final byte FORMAT = 2;
    private static final int CRC_BYTES = 4;
    private static final int FIXED = 1 + 8 + 8 + 8 + 4 + 4 + CRC_BYTES;

    private ObjectCodec() {
    }

    static byte[] encode(StoredObject o) {
        byte[] props = o.propertiesJson().getBytes(StandardCharsets.UTF_8);
        int dims = o.vector() == null ? -1 : o.vector().length;
        ByteBuffer buf = ByteBuffer.allocate(FIXED + props.length + Math.max(dims, 0) * 4);
        buf.put(FORMAT)
                .putLong(o.version())
                .putLong(o.createdAtMillis())
                .putLong(o.updatedAtMillis())
                .putInt(props.length)
                .put(props)
                .putInt(dims);
        if (dims > 0) {
            buf.asFloatBuffer().put(o.vector());
            buf.position(buf.position() + dims * 4);
        }
        byte[] bytes = buf.array();
        buf.putInt(crc(o.id(), bytes, bytes.length - CRC_BYTES));
        return bytes;
    }

    private static int crc(String id, byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    /**
     * Decodes a value written by {@link #encode}.
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed value
     */
    static StoredObject decode(String id, byte[] bytes) {
        try {
            if (bytes.length < FIXED) {
                throw new IllegalArgumentException("object value of " + bytes.length + " bytes is too short");
            }
            int end = bytes.length - CRC_BYTES;
            if (ByteBuffer.wrap(bytes, end, CRC_BYTES).getInt() != crc(id, bytes, end)) {
                throw new IllegalArgumentException("checksum mismatch: the stored value of " + id + " is damaged");
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes, 0, end);
            byte format = buf.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown object format " + format);
            }
            long version = buf.getLong();
            long createdAt = buf.getLong();
            long updatedAt = buf.getLong();
            int propsLen = buf.getInt();
            if (propsLen < 0 || propsLen > buf.remaining()) {
                throw new IllegalArgumentException("bad properties length " + propsLen);
            }
            String props = new String(bytes, buf.position(), propsLen, StandardCharsets.UTF_8);
            buf.position(buf.position() + propsLen);
            int dims = buf.getInt();
            float[] vector = null;
            if (dims >= 0) {
                if ((long) dims * 4 != buf.remaining()) {
                    throw new IllegalArgumentException("bad vector length " + dims);
                }
                vector = new float[dims];
                buf.asFloatBuffer().get(vector);
            } else if (dims != -1 || buf.hasRemaining()) {
                throw new IllegalArgumentException("bad vector length " + dims);
            }
            return new StoredObject(id, props, vector, version, createdAt, updatedAt);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated object value for " + id, e);
        }
    }
}

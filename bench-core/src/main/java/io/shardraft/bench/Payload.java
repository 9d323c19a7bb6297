package io.shardraft.bench;

import com.google.common.base.Preconditions;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.Vector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The objects a run writes, deterministic from a seed: object {@code n} has a random-looking UUID, properties
 * {@code {"n":n,"pad":"..."}} padded to exactly {@code propsBytes} bytes of JSON (or the shortest possible when
 * that is smaller), and a vector of {@code dims} floats in [-1, 1).
 */
public record Payload(int propsBytes, int dims, long seed) {

    public static final int MAX_PROPS_BYTES = 512 * 1024;

    public Payload {
        Preconditions.checkArgument(propsBytes >= 0 && propsBytes <= MAX_PROPS_BYTES,
                "props bytes must be in 0..%s, got %s", MAX_PROPS_BYTES, propsBytes);
        Preconditions.checkArgument(dims >= 1 && dims <= 65_536, "dims must be in 1..65536, got %s", dims);
    }

    /** The id of object {@code n}. */
    public UUID id(long n) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;           // version 4
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb);
    }

    /** The properties of object {@code n} as JSON text. */
    public String properties(long n) {
        String head = "{\"n\":" + n + ",\"pad\":\"";
        String tail = "\"}";
        int pad = Math.max(0, propsBytes - head.length() - tail.length());
        StringBuilder json = new StringBuilder(head.length() + pad + tail.length()).append(head);
        SplittableRandom r = new SplittableRandom(seed ^ n);
        for (int i = 0; i < pad; i++) {
            json.append((char) ('a' + r.nextInt(26)));
        }
        return json.append(tail).toString();
    }

    /** A vector of {@code dims} floats, deterministic from {@code n}. */
    public Vector vector(long n) {
        SplittableRandom r = new SplittableRandom(seed * 31 + n);
        Vector.Builder v = Vector.newBuilder();
        for (int i = 0; i < dims; i++) {
            v.addValues((float) (r.nextDouble() * 2 - 1));
        }
        return v.build();
    }

    /** The key of object {@code n} for a key-value peer: its id as UTF-8. */
    byte[] key(long n) {
        return id(n).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The value of object {@code n} for a key-value peer: the same bytes a shardraft put carries, its properties
     * JSON (UTF-8) followed by its vector (little-endian floats).
     */
    byte[] value(long n) {
        byte[] props = properties(n).getBytes(StandardCharsets.UTF_8);
        Vector v = vector(n);
        ByteBuffer b = ByteBuffer.allocate(props.length + 4 * v.getValuesCount()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(props);
        for (int i = 0; i < v.getValuesCount(); i++) {
            b.putFloat(v.getValues(i));
        }
        return b.array();
    }

    /** Object {@code n}. */
    public ObjectData object(long n) {
        return ObjectData.newBuilder().setId(id(n).toString()).setPropertiesJson(properties(n)).setVector(vector(n))
                .build();
    }
}

package io.shardraft.bench;

import com.google.common.base.Preconditions;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.Vector;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The objects a run writes, deterministic from a seed: object {@code n} has a random-looking UUID, properties
 * {@code {"n":n,"pad":"..."}} padded to exactly {@code propsBytes} bytes of JSON (or the shortest possible when
 * that is smaller), and a vector of {@code dims} floats in [-1, 1).
 */
record Payload(int propsBytes, int dims, long seed) {

    static final int MAX_PROPS_BYTES = 512 * 1024;

    Payload {
        Preconditions.checkArgument(propsBytes >= 0 && propsBytes <= MAX_PROPS_BYTES,
                "props bytes must be in 0..%s, got %s", MAX_PROPS_BYTES, propsBytes);
        Preconditions.checkArgument(dims >= 1 && dims <= 65_536, "dims must be in 1..65536, got %s", dims);
    }

    /** The id of object {@code n}. */
    UUID id(long n) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;           // version 4
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb);
    }

    /** The properties of object {@code n} as JSON text. */
    String properties(long n) {
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
    Vector vector(long n) {
        SplittableRandom r = new SplittableRandom(seed * 31 + n);
        Vector.Builder v = Vector.newBuilder();
        for (int i = 0; i < dims; i++) {
            v.addValues((float) (r.nextDouble() * 2 - 1));
        }
        return v.build();
    }

    /** Object {@code n}. */
    ObjectData object(long n) {
        return ObjectData.newBuilder().setId(id(n).toString()).setPropertiesJson(properties(n)).setVector(vector(n))
                .build();
    }
}

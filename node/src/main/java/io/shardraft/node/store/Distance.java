package io.shardraft.node.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How far apart two vectors are. For every metric a smaller value means closer, so hit lists always
 * sort ascending by distance.
 */
public enum Distance {
    /** {@code 1 - cos(a, b)}, in [0, 2]. A zero-length vector has cosine 0 to everything (distance 1). */
    COSINE("cosine") {
        @Override
        double compute(float[] a, float[] b) {
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
                na += (double) a[i] * a[i];
                nb += (double) b[i] * b[i];
            }
            if (na == 0 || nb == 0) {
                return 1.0;
            }
            return 1.0 - dot / (Math.sqrt(na) * Math.sqrt(nb));
        }
    },
    /** The negative dot product, so that the largest inner product ranks first. */
    DOT("dot") {
        @Override
        double compute(float[] a, float[] b) {
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
            }
            return -dot;
        }
    },
    /**
     * The <em>squared</em> Euclidean distance. It ranks exactly like the Euclidean distance and saves a
     * square root per comparison; take {@code Math.sqrt} of it for the true distance.
     */
    L2("l2") {
        @Override
        double compute(float[] a, float[] b) {
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double d = (double) a[i] - b[i];
                sum += d * d;
            }
            return sum;
        }
    };

    private final String wireName;

    Distance(String wireName) {
        this.wireName = wireName;
    }

    abstract double compute(float[] a, float[] b);

    /**
     * The distance between {@code a} and {@code b} (smaller is closer), computed in double precision.
     *
     * @throws IllegalArgumentException if the vectors differ in length
     */
    public float distance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vectors differ in dimensions: " + a.length + " vs " + b.length);
        }
        return (float) compute(a, b);
    }

    /** The lower-case name used in configuration and on the wire: {@code cosine}, {@code dot}, {@code l2}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a lower-case name ({@code cosine}, {@code dot}, {@code l2}).
     *
     * @throws IllegalArgumentException naming the accepted values if {@code name} is none of them
     */
    public static Distance parse(String name) {
        for (Distance d : values()) {
            if (d.wireName.equals(name)) {
                return d;
            }
        }
        String expected = Arrays.stream(values()).map(Distance::wireName).collect(Collectors.joining(", "));
        String hint = name != null && !name.equals(name.toLowerCase(Locale.ROOT))
                ? " (names are lower-case)" : "";
        throw new IllegalArgumentException(
                "unknown distance '" + name + "'; expected one of " + expected + hint);
    }
}

package io.shardraft.node.store;

import java.util.Objects;

/**
 * What every object of an index must look like: the vector length, the metric used to search it and the
 * largest object accepted.
 *
 * @param name           the index name; not blank
 * @param dimensions     the length of every vector, in (0, {@value #MAX_DIMENSIONS}]
 * @param distance       the metric searches use by default
 * @param maxObjectBytes the largest serialized object accepted (see {@link ObjectValidator}); &gt; 0
 */
public record IndexSchema(String name, int dimensions, Distance distance, int maxObjectBytes) {

    public static final int MAX_DIMENSIONS = 65_536;
    public static final int DEFAULT_MAX_OBJECT_BYTES = 1 << 20;

    public IndexSchema {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (dimensions <= 0 || dimensions > MAX_DIMENSIONS) {
            throw new IllegalArgumentException(
                    "dimensions must be in 1.." + MAX_DIMENSIONS + ", got " + dimensions);
        }
        Objects.requireNonNull(distance, "distance must not be null");
        if (maxObjectBytes <= 0) {
            throw new IllegalArgumentException("maxObjectBytes must be > 0, got " + maxObjectBytes);
        }
    }

    /** A schema with the default object size limit ({@value #DEFAULT_MAX_OBJECT_BYTES} bytes). */
    public IndexSchema(String name, int dimensions, Distance distance) {
        this(name, dimensions, distance, DEFAULT_MAX_OBJECT_BYTES);
    }
}

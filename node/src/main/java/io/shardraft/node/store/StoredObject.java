package io.shardraft.node.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * An object as a shard holds it.
 *
 * @param id              canonical lower-case UUID
 * @param propertiesJson  normalized JSON text of an object (keys sorted, no insignificant whitespace)
 * @param vector          the vector, or {@code null} if the object has none; callers must not modify it
 * @param version         the log index of the write that produced this state
 * @param createdAtMillis the proposal time of the put that created the object
 * @param updatedAtMillis the proposal time of the last write
 */
public record StoredObject(String id, String propertiesJson, float[] vector, long version,
                           long createdAtMillis, long updatedAtMillis) {

    public StoredObject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(propertiesJson, "propertiesJson");
    }

    public boolean hasVector() {
        return vector != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredObject s
                && id.equals(s.id)
                && propertiesJson.equals(s.propertiesJson)
                && Arrays.equals(vector, s.vector)
                && version == s.version
                && createdAtMillis == s.createdAtMillis
                && updatedAtMillis == s.updatedAtMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, propertiesJson, Arrays.hashCode(vector), version, createdAtMillis, updatedAtMillis);
    }

    @Override
    public String toString() {
        return "StoredObject[id=" + id + ", version=" + version + ", properties=" + propertiesJson
                + ", vector=" + (vector == null ? "none" : vector.length + " dims")
                + ", createdAt=" + createdAtMillis + ", updatedAt=" + updatedAtMillis + "]";
    }
}

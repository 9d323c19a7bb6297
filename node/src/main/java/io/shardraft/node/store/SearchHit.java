package io.shardraft.node.store;

import java.util.Comparator;
import java.util.Objects;

/**
 * One nearest-neighbour result.
 *
 * @param id       the object id
 * @param distance its distance to the query (smaller is closer; see {@link Distance})
 * @param object   the object as stored
 */
public record SearchHit(String id, float distance, StoredObject object) {

    /** The order of every hit list: by distance, then by id so that ties are deterministic. */
    public static final Comparator<SearchHit> ORDER =
            Comparator.comparingDouble(SearchHit::distance).thenComparing(SearchHit::id);

    public SearchHit {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(object, "object");
    }
}

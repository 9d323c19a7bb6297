package io.shardraft.node.store;

import com.google.common.base.Preconditions;
import com.google.common.collect.Iterables;
import com.google.common.collect.Ordering;
import java.util.Collection;
import java.util.List;

/** Merges the per-shard top-k lists of one query into the index-wide top-k. */
public final class KnnMerge {

    private KnnMerge() {
    }

    /**
     * The {@code k} best hits of all lists, in {@link SearchHit#ORDER}. Shards hold disjoint objects, so
     * no de-duplication is done.
     */
    public static List<SearchHit> merge(Collection<? extends List<SearchHit>> perShard, int k) {
        Preconditions.checkArgument(k > 0, "k must be > 0, got %s", k);
        return Ordering.from(SearchHit.ORDER).leastOf(Iterables.concat(perShard), k);
    }
}

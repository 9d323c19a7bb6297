package io.shardraft.node.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The point in time an asynchronous snapshot of a {@link MapDbShard} writes while applies go on: the applied index
 * and object count at the cut, and, for every object written since, the value it had at the cut (recorded by its
 * first write after the cut; {@link #ABSENT} for one that did not exist then). Merged with the live tree, which
 * holds every other object as it was at the cut, it gives the state at the cut. Not thread-safe: the shard records
 * writes under its write lock and reads chunks under its read lock.
 */
final class SnapshotCut {
    /** The value of an object that did not exist at the cut (compared by identity; stored values are never empty). */
    private static final byte[] ABSENT = new byte[0];

    private final long index;
    private final long count;
    private final TreeMap<String, byte[]> before;
    private String abandoned;
    private long recordedBytes;
    /** A recorded entry's heap beside its key's chars and value: tree node, String and array headers. */
    private static final int ENTRY_OVERHEAD = 96;

    SnapshotCut(long index, long count, Comparator<? super String> order) {
        this.index = index;
        this.count = count;
        this.before = new TreeMap<>(order);
    }

    long index() {
        return index;
    }

    long count() {
        return count;
    }

    /** Object {@code id} is written (put, replaced or removed); {@code previous} is its value just before, or null. */
    void written(String id, byte[] previous) {
        if (before.putIfAbsent(id, previous == null ? ABSENT : previous) == null) {
            recordedBytes += ENTRY_OVERHEAD + 2L * id.length() + (previous == null ? 0 : previous.length);
        }
    }

    /** About how much heap the recorded values take. */
    long recordedBytes() {
        return recordedBytes;
    }

    /** Objects written since the cut (what the cut holds in memory). */
    int recorded() {
        return before.size();
    }

    /** The shard's state was replaced or lost: the snapshot cannot be finished. */
    void abandon(String why) {
        if (abandoned == null) {
            abandoned = why;
        }
    }

    /** Why the snapshot was given up, or null. */
    String abandoned() {
        return abandoned;
    }

    /**
     * The next objects after {@code after} (null: from the first), at most {@code max}, in key order, as they were at
     * the cut: those written since with their value at the cut (left out if they did not exist), the others as the
     * live tree holds them.
     */
    List<Map.Entry<String, byte[]>> next(NavigableMap<String, byte[]> live, String after, int max) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>(Math.min(max, 1024));
        Iterator<Map.Entry<String, byte[]>> it = (after == null ? live : live.tailMap(after, false)).entrySet().iterator();
        Map.Entry<String, byte[]> l = it.hasNext() ? it.next() : null;
        Map.Entry<String, byte[]> b = after == null ? before.firstEntry() : before.higherEntry(after);
        Comparator<? super String> order = before.comparator();
        while (out.size() < max && (l != null || b != null)) {
            int c = b == null ? 1 : l == null ? -1 : order.compare(b.getKey(), l.getKey());
            if (c <= 0) {
                if (b.getValue() != ABSENT) {
                    out.add(b);
                }
                if (c == 0) {
                    l = it.hasNext() ? it.next() : null; // written since the cut: its live value is not the cut's
                }
                b = before.higherEntry(b.getKey());
            } else {
                out.add(Map.entry(l.getKey(), l.getValue()));
                l = it.hasNext() ? it.next() : null;
            }
        }
        return out;
    }
}

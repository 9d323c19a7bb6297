package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;

/**
 * Decides when a group should snapshot because of what it applied since its last snapshot: the entries
 * trigger ({@link RaftSettings#snapshotEntries()}) and the bytes trigger ({@link RaftSettings#snapshotBytes()},
 * the sum of the applied commands' sizes, which is what the log holds on disk). The age trigger is JRaft's
 * snapshot timer ({@link RaftSettings#snapshotInterval()}). Thread-safe (the state-machine thread counts, a snapshot closure may reset).
 */
final class SnapshotTrigger {
    private final long maxEntries;
    private final long maxBytes;
    private long entries;
    private long bytes;
    private boolean requested;

    SnapshotTrigger(long maxEntries, long maxBytes) {
        Preconditions.checkArgument(maxEntries > 0 && maxBytes > 0, "limits must be positive");
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    static SnapshotTrigger of(RaftSettings settings) {
        return new SnapshotTrigger(settings.snapshotEntries(), settings.snapshotBytes());
    }

    /**
     * Counts applied entries; true once per crossing of a limit (no new request until {@link #snapshotted}
     * or {@link #requestFailed}).
     */
    synchronized boolean applied(long entryCount, long byteCount) {
        entries += entryCount;
        bytes += byteCount;
        if (!requested && (entries >= maxEntries || bytes >= maxBytes)) {
            requested = true;
            return true;
        }
        return false;
    }

    /** A snapshot now covers everything applied so far: counting starts again. */
    synchronized void snapshotted() {
        entries = 0;
        bytes = 0;
        requested = false;
    }

    /** The requested snapshot was not taken (busy, stopped): the next apply over the limit asks again. */
    synchronized void requestFailed() {
        requested = false;
    }

    synchronized long entries() {
        return entries;
    }

    synchronized long bytes() {
        return bytes;
    }
}

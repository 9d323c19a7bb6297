package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;

/**
 * Decides when a group should snapshot because of what it applied since its last snapshot: the entries
 * trigger ({@link RaftSettings#snapshotEntries()}) and the bytes trigger ({@link RaftSettings#snapshotBytes()},
 * the sum of the applied commands' sizes, which is what the log holds on disk). The age trigger is JRaft's
 * snapshot timer ({@link RaftSettings#snapshotInterval()}). Thread-safe (the state-machine thread counts, a snapshot closure may reset).
 *
 * <p>Both limits grow with the replica's state: once its last snapshot was larger than the bytes limit, both are
 * multiplied by (last snapshot bytes / bytes limit). A snapshot writes the whole state; with fixed limits a replica
 * holding S bytes wrote S for every 64 MiB applied, so a sustained import into a shard of a few GiB spent most of
 * its apply thread rewriting snapshots (a save blocks that group's applies). Scaled, a replica writes at most about
 * one byte of snapshot per byte applied (or per limit-bytes/limit-entries bytes of entries), and its log, the price,
 * stays bounded by its state: replaying it after a restart costs about what loading the snapshot does, and the log
 * takes at most as much disk as the snapshot beside it. Below the bytes limit nothing changes.
 */
final class SnapshotTrigger {
    private final long maxEntries;
    private final long maxBytes;
    private long entries;
    private long bytes;
    private boolean requested;
    /** Bytes of the replica's last snapshot (saved or loaded); 0 until one is. */
    private long stateBytes;

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
        if (!requested && (entries >= entriesLimit() || bytes >= bytesLimit())) {
            requested = true;
            return true;
        }
        return false;
    }

    /** What was counted at some point: {@link #counts}. */
    record Counts(long entries, long bytes) {
    }

    /** The entries and bytes counted so far, e.g. when a snapshot starts: what it will cover. */
    synchronized Counts counts() {
        return new Counts(entries, bytes);
    }

    /**
     * A snapshot of {@code snapshotBytes} now covers everything applied so far: counting starts again, with limits
     * scaled to its size.
     */
    synchronized void snapshotted(long snapshotBytes) {
        snapshotted(snapshotBytes, new Counts(entries, bytes));
    }

    /**
     * A snapshot of {@code snapshotBytes} now covers what was {@code covered} when it started; entries applied while it
     * was written stay counted towards the next one. The limits are scaled to its size.
     */
    synchronized void snapshotted(long snapshotBytes, Counts covered) {
        Preconditions.checkArgument(snapshotBytes >= 0, "snapshotBytes must be >= 0, got %s", snapshotBytes);
        entries = Math.max(0, entries - covered.entries());
        bytes = Math.max(0, bytes - covered.bytes());
        requested = false;
        stateBytes = snapshotBytes;
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

    /** The bytes trigger now: the configured limit, or the last snapshot's size if larger. */
    synchronized long bytesLimit() {
        return Math.max(maxBytes, stateBytes);
    }

    /** The entries trigger now: the configured limit, scaled as the bytes limit is. */
    synchronized long entriesLimit() {
        if (stateBytes <= maxBytes) {
            return maxEntries;
        }
        double scale = (double) stateBytes / maxBytes;
        return (long) Math.min(Long.MAX_VALUE, Math.ceil(maxEntries * scale));
    }
}

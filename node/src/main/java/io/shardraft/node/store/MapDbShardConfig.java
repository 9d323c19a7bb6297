package io.shardraft.node.store;

import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link MapDbShard} opens its MapDB file and what makes it durable.
 *
 * @param volume     how MapDB accesses the file
 * @param durability whether the file is its own durable copy ({@link Durability#COMMIT_EVERY_APPLY}) or a cache of
 *                   the Raft group's snapshot and log ({@link Durability#SYNC_ON_CLOSE})
 */
public record MapDbShardConfig(Volume volume, Durability durability) {

    /**
     * File-channel access, a transaction committed after every apply batch: what an unreplicated shard (whose apply is
     * its only copy) uses. Measured on the 2-core dev machine (noisy, shared): single-put applies 390-800/s with
     * FILE_CHANNEL vs 90-370/s with MMAP when every batch commits (MapDB forces every mapped chunk on each commit).
     */
    public static final MapDbShardConfig DEFAULT = new MapDbShardConfig(Volume.FILE_CHANNEL,
            Durability.COMMIT_EVERY_APPLY);

    /**
     * The node's default for replicated shards: no MapDB transactions, MMAP access. Without commits MMAP's cost on
     * commit is gone, and its reads and writes are memory accesses instead of a system call per record. On the 2-core
     * dev machine (three-node cluster, same hour): put at 64 clients 901 ops/s with MMAP vs 624 with FILE_CHANNEL,
     * import 2,353 vs 1,847 objects/s; {@code ApplyThroughputTest} logs the four volume/durability pairs alone. Each
     * file takes one memory mapping per MiB (see CONTRIBUTING on {@code vm.max_map_count}).
     *
     * <p>Without transactions MMAP files are not precleared ({@code fileMmapPreclearDisable}): MapDB would otherwise
     * write zeros through the file over every MiB it maps before using it, so that a full disk fails the growth with
     * an IOException instead of a fault on a later write to a sparse page. Every new shard replica wrote 2 MiB: 6 GiB
     * of disk for 3,000 empty shards on a node, and creating them took 123 s instead of 73 s on the 2-core machine
     * (three nodes, 1,000 indexes of 3 shards), most of it kernel time and writeback. Here the file is a cache of the
     * Raft group: writes that grow data are refused while the disk is below the node's free-space reserve, and an
     * apply that fails on a full disk anyway (a follower's disk fuller than its leader's) breaks the replica, which the
     * next start rebuilds from the group's snapshot and log. A transactional file (its own only copy) keeps preclear.
     */
    public static final MapDbShardConfig REPLICATED = new MapDbShardConfig(Volume.MMAP, Durability.SYNC_ON_CLOSE);

    public MapDbShardConfig {
        Objects.requireNonNull(volume, "volume must not be null");
        Objects.requireNonNull(durability, "durability must not be null");
    }

    public MapDbShardConfig(Volume volume) {
        this(volume, Durability.COMMIT_EVERY_APPLY);
    }

    /** Whether the shard runs MapDB transactions ({@link Durability#COMMIT_EVERY_APPLY}). */
    public boolean transactional() {
        return durability == Durability.COMMIT_EVERY_APPLY;
    }

    public MapDbShardConfig withVolume(Volume v) {
        return new MapDbShardConfig(v, durability);
    }

    public MapDbShardConfig withDurability(Durability d) {
        return new MapDbShardConfig(volume, d);
    }

    /** MapDB's file access. */
    public enum Volume {
        /** {@code fileMmapEnableIfSupported} + {@code cleanerHackEnable} (unmaps on close): faster reads and writes. */
        MMAP,
        /** {@code fileChannelEnable}: cheaper commits, no address space per file. */
        FILE_CHANNEL;

        /** The configuration value: {@code mmap} or {@code file-channel}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The volume named {@code key} ({@link #key()}). */
        public static Volume of(String key) {
            for (Volume v : values()) {
                if (v.key().equals(key)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown MapDB volume '" + key + "' (mmap or file-channel)");
        }
    }

    /** What makes the applied writes durable. */
    public enum Durability {
        /**
         * MapDB transactions (write-ahead log), committed (two fsyncs) after every apply batch; a failed apply rolls
         * back. The file alone is the copy, so the applied index is durable with the data it covers.
         */
        COMMIT_EVERY_APPLY,
        /**
         * No MapDB transactions and no commits while open: applies write straight to the file (the page cache); close
         * syncs the file before it clears the open marker. A file not closed cleanly is never trusted (see
         * {@link MapDbShard#OPEN_MARKER}): the node discards it and the Raft group rebuilds the replica from its
         * snapshot and log, which hold every applied entry. So a commit bought nothing but two fsyncs per batch on the
         * apply path. A failed apply or snapshot load cannot roll back: it breaks the shard (no reads, no applies)
         * and the next start rebuilds it. Only for replicated shards.
         */
        SYNC_ON_CLOSE
    }
}

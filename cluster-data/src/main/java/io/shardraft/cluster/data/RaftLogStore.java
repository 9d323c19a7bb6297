package io.shardraft.cluster.data;

import java.util.Locale;

/** Where a node keeps its groups' Raft logs. */
public enum RaftLogStore {
    /** One RocksDB for every group of the node, one fsync per write group across groups (the default). */
    SHARED,
    /** JRaft's default: one RocksDB per group under the group's {@code raft/log} directory. */
    PER_GROUP;

    /** Parses the configuration value ({@code shared} or {@code per-group}). */
    public static RaftLogStore parse(String value) {
        for (RaftLogStore s : values()) {
            if (s.configValue().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown Raft log store '" + value + "': use shared or per-group");
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

package io.shardraft.cluster.spi;

import java.io.IOException;

/**
 * The second half of a snapshot that {@link HostShard#startSnapshot} started: writes the state the shard had when
 * the snapshot started, while the group applies later commands. The core calls {@link #write} once, on a thread
 * other than the state machine's, or, if it cannot run it, {@link #abandon}.
 */
public interface SnapshotSave {
    /** Nothing left to write: the snapshot was written when it started. */
    SnapshotSave DONE = () -> { };

    /** Writes the snapshot's files into the directory given at its start; they are durable when it returns. */
    void write() throws IOException;

    /** Gives the snapshot up without writing it, releasing what it holds. */
    default void abandon() {
    }
}

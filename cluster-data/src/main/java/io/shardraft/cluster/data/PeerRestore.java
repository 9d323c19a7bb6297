package io.shardraft.cluster.data;

import io.shardraft.cluster.log.SharedLogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Makes a replica fetch its state from its peers when nothing on its node can restore it: its snapshot
 * does not load and its host state is behind that snapshot (lost, or set aside as corrupt by the host).
 * The snapshot directory is moved aside (kept for inspection) and the group's log is emptied, so JRaft
 * starts with neither and the leader sends its snapshot (or its log from the start). The term and vote
 * are kept. The log's entries were all applied into the state that is lost, so alone they restore nothing.
 *
 * <p>While it catches up the replica's log is empty, so it would vote for any candidate: with a second
 * replica down at the same time, a candidate lacking entries this replica had acknowledged could win. It
 * is the exposure of a replaced disk, and comes only after both local copies failed.
 */
final class PeerRestore {
    private static final Logger LOG = LogManager.getLogger("shard_raft_store");

    private PeerRestore() {
    }

    static void setAside(ShardStoreConfig config, SharedLogStore sharedLog, Path logDir, String failure, long nowMillis) {
        Path snapshots = config.raftDir().resolve("snapshot");
        Path aside = snapshots.resolveSibling("snapshot.corrupt-" + nowMillis);
        LOG.error("[{}] on node {}: {}; the host state is behind it, so the snapshots move to {}, the log is emptied"
                + " and the replica is restored from its peers", config.groupId(), config.nodeId(), failure, aside);
        try {
            Files.move(snapshots, aside);
            Files.createDirectories(snapshots);
            if (sharedLog != null) {
                sharedLog.purgeLog(config.groupId());
            } else {
                Directories.deleteRecursively(logDir);
                Files.createDirectories(logDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set aside the snapshots of " + config.groupId() + " in " + snapshots, e);
        }
    }
}

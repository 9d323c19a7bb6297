package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.JRaftServiceFactory;
import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import io.shardraft.cluster.log.SharedLogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Makes a replica fetch its state from its peers when nothing on its node can restore it: its snapshot
 * does not load and its host state is behind that snapshot (lost, or set aside as corrupt by the host).
 * The snapshot directory is moved aside (kept for inspection) and the group's log is emptied, so JRaft
 * starts with neither and the leader sends its snapshot (or its log from the start). The term and vote
 * are kept. The log's entries were all applied into the state that is lost, so alone they restore nothing.
 *
 * <p>With an empty log the replica would grant its vote to any candidate, and a candidate lacking entries
 * it had acknowledged could win while a second replica is down. So before anything is moved or purged the
 * last log index it had (its log's last entry, or its newest snapshot's index if later) is recorded in a
 * {@link VoteGuardMarker}, fsynced; until it has applied that index again it withholds its votes and
 * pre-votes ({@link VoteGuard}), across restarts too.
 */
final class PeerRestore {
    private static final Logger LOG = LogManager.getLogger("shard_raft_store");
    private static final Pattern SNAPSHOT_DIR = Pattern.compile("snapshot_(\\d+)");

    private PeerRestore() {
    }

    /**
     * Sets the snapshots aside and empties the log; returns the last log index the replica had before (or the one
     * an earlier restore recorded, if higher), which it must apply again before it votes.
     */
    static long setAside(ShardStoreConfig config, SharedLogStore sharedLog, Path logDir, String failure, long nowMillis) {
        Path snapshots = config.raftDir().resolve("snapshot");
        Path aside = snapshots.resolveSibling("snapshot.corrupt-" + nowMillis);
        try {
            // a replica restored again before it caught up keeps the index it had the first time
            long last = Math.max(Math.max(lastLogIndex(config, sharedLog, logDir), newestSnapshotIndex(snapshots)),
                    VoteGuardMarker.read(config.raftDir()).orElse(0));
            // durable before the purge: a crash right after it must still find the replica guarded
            VoteGuardMarker.write(config.raftDir(), last);
            LOG.error("[{}] on node {}: {}; the host state is behind it, so the snapshots move to {}, the log (last"
                    + " index {}) is emptied and the replica is restored from its peers; it votes again once it has"
                    + " applied index {}", config.groupId(), config.nodeId(), failure, aside, last, last);
            Files.move(snapshots, aside);
            Files.createDirectories(snapshots);
            if (sharedLog != null) {
                sharedLog.purgeLog(config.groupId());
            } else {
                Directories.deleteRecursively(logDir);
                Files.createDirectories(logDir);
            }
            return last;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set aside the snapshots of " + config.groupId() + " in " + snapshots, e);
        }
    }

    /** The last index in the group's log storage (0 if empty), read through the storage JRaft itself uses. */
    static long lastLogIndex(ShardStoreConfig config, SharedLogStore sharedLog, Path logDir) throws IOException {
        JRaftServiceFactory factory = sharedLog != null ? sharedLog.serviceFactory(config.groupId())
                : DefaultJRaftServiceFactory.newInstance();
        LogStorage storage = factory.createLogStorage(logDir.toString(), new RaftOptions());
        LogStorageOptions opts = new LogStorageOptions();
        opts.setConfigurationManager(new ConfigurationManager());
        opts.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
        if (!storage.init(opts)) {
            throw new IOException("cannot read the Raft log of " + config.groupId() + " at " + logDir
                    + " to record its last index");
        }
        try {
            return storage.getLastLogIndex();
        } finally {
            storage.shutdown();
        }
    }

    /** The index of the newest snapshot in JRaft's snapshot directory ({@code snapshot_<index>}), 0 if none. */
    static long newestSnapshotIndex(Path snapshots) throws IOException {
        if (!Files.isDirectory(snapshots)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.map(p -> SNAPSHOT_DIR.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1)))
                    .max().orElse(0);
        }
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.alipay.sofa.jraft.util.Utils;
import com.google.protobuf.InvalidProtocolBufferException;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.spi.HostShard;
import io.shardraft.cluster.spi.LoggedCommand;
import io.shardraft.cluster.spi.SnapshotSave;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The JRaft state machine of one shard replica: hands every committed command to the host shard, in
 * log order, and completes the proposer's closure with the host's result. An exception from the host
 * fails that entry's caller with INTERNAL and the pipeline moves on (it never stalls the group).
 * Snapshots are written by the host into the snapshot directory and registered file by file.
 */
final class ShardStateMachine extends StateMachineAdapter {
    private static final Logger LOG = LogManager.getLogger(ShardStateMachine.class);
    static final String HOST_SNAPSHOT_DIR = "host";
    /**
     * The most entries handed to the host in one {@link HostShard#applyBatch} (one storage commit); a bundle (up to
     * {@link ProposalBundler#MAX_COMMANDS} commands) counts as one and never splits.
     */
    static final int MAX_CHUNK = 256;

    private final String group;
    private final HostShard shard;
    private final AtomicLong lastApplied = new AtomicLong();
    private final AppliedIndexWaiters waiters = new AppliedIndexWaiters();
    private final SnapshotTrigger trigger;
    private final SnapshotHistory history;
    /** Until the node exists nothing can be asked: re-arm, so the next apply over the limit asks again. */
    private volatile Runnable snapshotRequester;
    private volatile long term = -1;
    private volatile RaftException error;
    private volatile String loadFailure;

    ShardStateMachine(String group, HostShard shard, SnapshotTrigger trigger, SnapshotHistory history) {
        this.group = group;
        this.shard = shard;
        this.trigger = trigger;
        this.history = history;
        this.snapshotRequester = trigger::requestFailed;
        long persisted = shard.lastAppliedIndex();
        lastApplied.set(persisted);
        waiters.advance(persisted);
    }

    long lastAppliedIndex() {
        return lastApplied.get();
    }

    long term() {
        return term;
    }

    AppliedIndexWaiters waiters() {
        return waiters;
    }

    RaftException error() {
        return error;
    }

    HostShard shard() {
        return shard;
    }

    SnapshotTrigger trigger() {
        return trigger;
    }

    /** What asks JRaft for a snapshot when the entries or bytes trigger fires (set once the node exists). */
    void onSnapshotWanted(Runnable requester) {
        this.snapshotRequester = requester;
    }

    /** Why the last snapshot load failed (naming the file), or null. */
    String loadFailure() {
        return loadFailure;
    }

    /**
     * Hands the committed entries of this JRaft batch to the host in chunks of up to {@link #MAX_CHUNK}
     * entries, one {@link HostShard#applyBatch} (one storage commit) per chunk, and completes the callers
     * only once their chunk is durable. A bundle's commands go to the host together, each with the entry's index.
     * If the host fails, the whole chunk is rolled back on this replica (the host took none of it), its callers
     * get INTERNAL and the group stops here, as for one entry.
     */
    @Override
    public void onApply(Iterator iter) {
        long entries = 0;
        long bytes = 0;
        List<LoggedCommand> commands = new ArrayList<>();
        List<ApplyClosure> closures = new ArrayList<>();
        List<BundledEntry> bundled = new ArrayList<>();
        while (iter.hasNext()) {
            long chunkStart = iter.getIndex();
            long chunkEnd = chunkStart;
            commands.clear();
            closures.clear();
            bundled.clear();
            List<Runnable> rejected = new ArrayList<>();
            boolean sawBundle = false;
            for (int chunkEntries = 0; iter.hasNext() && chunkEntries < MAX_CHUNK; chunkEntries++) {
                long index = iter.getIndex();
                entries++;
                bytes += iter.getData() == null ? 0 : iter.getData().remaining();
                Closure done = iter.done();
                ApplyClosure closure = done instanceof ApplyClosure c ? c : null;
                try {
                    if (done instanceof BundledEntry entry) {
                        // proposed here: the members are the commands, parsed already
                        bundled.add(entry);
                        for (ApplyClosure member : entry.members()) {
                            commands.add(new LoggedCommand(index, member.command()));
                            closures.add(member);
                        }
                    } else {
                        Command command = closure != null ? closure.command() : Command.parseFrom(iter.getData());
                        if (command.hasBundle()) {
                            sawBundle = true;
                            for (Command member : command.getBundle().getCommandsList()) {
                                commands.add(new LoggedCommand(index, member));
                                closures.add(null);
                            }
                        } else {
                            commands.add(new LoggedCommand(index, command));
                            closures.add(closure);
                        }
                    }
                } catch (InvalidProtocolBufferException e) {
                    // Cannot happen for entries proposed through ShardStore (validated first); the same bytes
                    // fail the same way on every replica, so skipping keeps replicas identical.
                    LOG.error("[{}] entry {} is not a Command; skipped: {}", group, index, e.getMessage());
                    if (closure != null) {
                        ReplicationException failure = new ReplicationException(ReplicationException.Reason.INTERNAL,
                                "entry " + index + " of " + group + " is not a valid command: " + e.getMessage());
                        rejected.add(() -> closure.fail(failure));
                    }
                }
                chunkEnd = index;
                iter.next();
            }
            List<CommandResult> results;
            try {
                if (sawBundle && !shard.appliesBundles()) {
                    // only a leader whose host shard applies bundles proposes them; this one would mis-version them
                    throw new IllegalStateException("the log holds a bundle of commands and this replica's host shard "
                            + "does not apply bundles (replicas of one group must run the same host shard)");
                }
                results = commands.isEmpty() ? List.of() : shard.applyBatch(commands);
                if (results.size() != commands.size()) {
                    throw new IllegalStateException("host returned " + results.size() + " results for "
                            + commands.size() + " commands");
                }
            } catch (RuntimeException e) {
                // The host shard is broken (its storage failed). Skipping the chunk here would let this
                // replica silently diverge from the others, so the group stops on this node instead: the
                // callers get INTERNAL, JRaft fails the rest of the batch, and the other replicas go on.
                LOG.error("[{}] host shard failed to apply entries {}..{}; stopping this replica", group,
                        chunkStart, chunkEnd, e);
                for (int i = 0; i < closures.size(); i++) {
                    if (closures.get(i) != null) {
                        closures.get(i).fail(new ReplicationException(ReplicationException.Reason.INTERNAL,
                                "shard " + group + " failed to apply entry " + commands.get(i).logIndex()
                                        + " on this replica: " + e, null, e));
                    }
                }
                rejected.forEach(Runnable::run);
                bundled.forEach(BundledEntry::finish);
                // Roll JRaft's applied index back to before the chunk: the iterator stands after it, on a
                // data entry (counted by JRaft as the first rolled back) when hasNext() says so.
                long ntail = chunkEnd - chunkStart + 1 + (iter.hasNext() ? 1 : 0);
                iter.setErrorAndRollback(ntail, new Status(RaftError.ESTATEMACHINE,
                        "host shard of %s failed at entries %d..%d: %s", group, chunkStart, chunkEnd, e.toString()));
                return;
            }
            lastApplied.accumulateAndGet(chunkEnd, Math::max);
            for (int i = 0; i < closures.size(); i++) {
                ApplyClosure closure = closures.get(i);
                if (closure != null) {
                    CommandResult result = results.get(i);
                    long index = commands.get(i).logIndex();
                    closure.succeed(result.getLogIndex() == index ? result
                            : result.toBuilder().setLogIndex(index).build());
                }
            }
            rejected.forEach(Runnable::run);
            bundled.forEach(BundledEntry::finish);
            waiters.advance(lastApplied.get());
        }
        if (trigger.applied(entries, bytes)) {
            LOG.debug("[{}] {} entries / {} bytes applied since the last snapshot: requesting one", group,
                    trigger.entries(), trigger.bytes());
            snapshotRequester.run();
        }
    }

    /**
     * Starts the host's snapshot here, on the state-machine thread ({@link HostShard#startSnapshot}: the state as of
     * the last applied entry), and finishes it on JRaft's closure pool (the host writes its files, then they are
     * listed with checksums in the snapshot meta), so later entries are applied meanwhile. JRaft runs one save per
     * group at a time, loads no snapshot while it runs, and truncates the log only once {@code done} says OK.
     */
    @Override
    public void onSnapshotSave(SnapshotWriter writer, Closure done) {
        long index = lastApplied.get();
        Path root = Paths.get(writer.getPath());
        Path dir = root.resolve(HOST_SNAPSHOT_DIR);
        SnapshotTrigger.Counts covered = trigger.counts(); // what this snapshot covers; later applies count on
        SnapshotSave save;
        try {
            Files.createDirectories(dir);
            save = shard.startSnapshot(dir);
        } catch (IOException | RuntimeException e) {
            failSave(done, index, e);
            return;
        }
        try {
            Utils.runInThread(() -> finishSave(writer, done, index, root, dir, save, covered));
        } catch (RuntimeException e) { // the pool is shut down: the node is stopping
            save.abandon();
            failSave(done, index, e);
        }
    }

    private void finishSave(SnapshotWriter writer, Closure done, long index, Path root, Path dir, SnapshotSave save,
            SnapshotTrigger.Counts covered) {
        try {
            save.write();
            List<Path> files = filesIn(dir);
            for (Path f : files) {
                String rel = root.relativize(f).toString();
                // the checksum lets a follower keep a file it already holds instead of downloading it again
                LocalFileMeta meta = LocalFileMeta.newBuilder().setChecksum(FileChecksum.of(f)).build();
                if (!writer.addFile(rel, meta)) {
                    throw new IOException("snapshot writer refused file " + rel);
                }
            }
            trigger.snapshotted(sizeOf(files), covered);
            history.record(index, root, files);
            LOG.info("[{}] snapshot saved at applied index {} ({} files)", group, index, files.size());
            done.run(Status.OK());
        } catch (IOException | RuntimeException e) {
            failSave(done, index, e);
        }
    }

    private void failSave(Closure done, long index, Exception e) {
        LOG.error("[{}] snapshot save at index {} failed", group, index, e);
        done.run(new Status(RaftError.EIO, "snapshot save of %s failed: %s", group, e.toString()));
    }

    @Override
    public boolean onSnapshotLoad(SnapshotReader reader) {
        SnapshotMeta meta = reader.load();
        if (meta == null) {
            loadFailure = "snapshot " + reader.getPath() + " of " + group + " has no readable meta";
            LOG.error("[{}] {}; refusing to load, the group stops", group, loadFailure);
            return false;
        }
        long hostIndex = shard.lastAppliedIndex();
        Path dir = Paths.get(reader.getPath()).resolve(HOST_SNAPSHOT_DIR);
        if (hostIndex >= meta.getLastIncludedIndex()) {
            // A restart: the host's own durable state already contains everything up to this snapshot (it is
            // a later point of the same log), so reloading it would only cost time proportional to the data.
            // The log replay that follows skips what the host holds.
            trigger.snapshotted(sizeOf(dir));
            lastApplied.accumulateAndGet(hostIndex, Math::max);
            waiters.advance(hostIndex);
            LOG.info("[{}] host state is at index {}, at or past snapshot index {}: snapshot not reloaded", group,
                    hostIndex, meta.getLastIncludedIndex());
            return true;
        }
        try {
            shard.loadSnapshot(dir);
        } catch (IOException | RuntimeException e) {
            // Returning false puts the group in the error state: it stops instead of running on partial state.
            loadFailure = "loading snapshot " + dir + " (index " + meta.getLastIncludedIndex() + ") of " + group
                    + " failed: " + e.getMessage();
            LOG.error("[{}] {}; the group stops", group, loadFailure, e);
            return false;
        }
        trigger.snapshotted(sizeOf(dir));
        lastApplied.set(meta.getLastIncludedIndex());
        waiters.advance(meta.getLastIncludedIndex());
        LOG.info("[{}] snapshot loaded: index {}, term {}", group, meta.getLastIncludedIndex(),
                meta.getLastIncludedTerm());
        return true;
    }

    /** Bytes of the snapshot files, for {@link SnapshotTrigger#snapshotted}. */
    private static long sizeOf(List<Path> files) throws IOException {
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        return total;
    }

    /** The files of a snapshot directory, at any depth. */
    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    /** Bytes of the snapshot files under {@code dir}; 0 (the trigger keeps its configured limits) if unreadable. */
    private long sizeOf(Path dir) {
        try {
            return sizeOf(filesIn(dir));
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("[{}] cannot size snapshot {}: {}", group, dir, e.toString());
            return 0;
        }
    }

    @Override
    public void onLeaderStart(long term) {
        this.term = term;
        LOG.info("[{}] became leader at term {}", group, term);
    }

    @Override
    public void onLeaderStop(Status status) {
        LOG.info("[{}] stepped down: {}", group, status);
    }

    @Override
    public void onStartFollowing(LeaderChangeContext ctx) {
        this.term = ctx.getTerm();
        LOG.debug("[{}] following {} at term {}", group, ctx.getLeaderId(), ctx.getTerm());
    }

    @Override
    public void onError(RaftException e) {
        this.error = e;
        LOG.error("[{}] Raft group failed and stopped serving: {}", group, e.getStatus(), e);
    }
}

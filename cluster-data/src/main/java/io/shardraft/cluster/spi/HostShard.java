package io.shardraft.cluster.spi;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host database's shard, as the replication core sees it: the state that one Raft group
 * replicates. The host implements it; the core calls it from the group's state-machine thread only,
 * so an implementation needs no locking against itself (reads from other threads are the host's
 * business).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #apply} is deterministic: the same command at the same log index yields the same state
 *       and result on every replica. It never reads a clock, a random source or local configuration
 *       that may differ between nodes; the leader's proposal time is in the command.</li>
 *   <li>{@link #apply} is idempotent by log index: the shard persists the index of the last entry it
 *       applied together with its data, and an entry at or below {@link #lastAppliedIndex()} changes
 *       nothing (a restart may replay entries the shard already holds).</li>
 *   <li>{@link #apply} reports a rejected or failed item in its result rather than throwing. It
 *       throws only when the shard itself is broken (e.g. its storage failed); the core then fails
 *       the entry's caller with INTERNAL and stops this replica's group (JRaft error state) rather
 *       than skip the entry and diverge; the other replicas keep serving.</li>
 *   <li>{@link #applyBatch} applies consecutive committed commands as one unit: no reader sees some of them
 *       without the others, and they become durable together with the index of the last one. If it throws,
 *       the shard is broken (as for {@link #apply}): it serves and applies nothing more until a snapshot is
 *       loaded or it is rebuilt (a transactional shard rolls the batch back first). The core hands it every
 *       command of one JRaft apply batch, so a shard can commit its storage once per batch rather than per
 *       entry, or less often still: the Raft log holds every entry after the last snapshot, so a crash before a
 *       commit loses nothing as long as the persisted applied index stays with the data it covers; on restart
 *       the core replays the log's tail after the {@link #lastAppliedIndex()} the shard reopens with. A host may
 *       also never commit while open and, after a crash, discard its files and start empty (applied index 0):
 *       the core then restores it from the latest snapshot and the log, or from the leader (the reference
 *       host's replicated shards do so).</li>
 *   <li>{@link #saveSnapshot} writes a self-contained, durable copy of the state into the directory; after it
 *       returns the core may truncate the log up to the applied index. The core takes snapshots through
 *       {@link #startSnapshot}, which by default calls it; a host can split the snapshot so that its writing does
 *       not hold up the group's applies.</li>
 *   <li>{@link #loadSnapshot} replaces the whole state with the copy in the directory. It throws when
 *       the copy is unreadable; the core then stops the group instead of running on partial state.</li>
 * </ul>
 */
public interface HostShard extends AutoCloseable {

    /** Applies a committed command at {@code logIndex}; returns a result per item. */
    CommandResult apply(long logIndex, Command command);

    /**
     * Applies consecutive committed commands (ascending log indexes) as one unit; returns one result per
     * command, in order. The default applies them one by one, each durable on its own. With
     * {@link #appliesBundles()} the indexes are ascending but not distinct: the commands of one bundle share
     * their entry's index.
     */
    default List<CommandResult> applyBatch(List<LoggedCommand> commands) {
        List<CommandResult> results = new ArrayList<>(commands.size());
        for (LoggedCommand c : commands) {
            results.add(apply(c.logIndex(), c.command()));
        }
        return results;
    }

    /**
     * Whether this shard applies bundles: several single-object commands (PUT, MERGE, DELETE, none two for the same
     * object id) that the group's leader proposed together as one log entry, to save the per-entry cost of Raft
     * under concurrent writes. The core then hands {@link #applyBatch} every command of a bundle in the same call,
     * each a {@link LoggedCommand} with the entry's index: each command's version is that index, and a command is a
     * replay (skipped) exactly when its index is at or below the {@link #lastAppliedIndex()} the call started with,
     * not the index of the previous command of the call. The default is false: every command its own entry.
     */
    default boolean appliesBundles() {
        return false;
    }

    /**
     * Admits a command that another node submitted to this shard's leader (the ShardReplicationService: a write
     * forwarded by a follower, or any other caller of that service) before it is proposed. It arrives with
     * {@code admitted} cleared; a host that validates and normalizes commands may do so here and return the command
     * with {@code admitted} set, so that {@link #apply} on every replica may skip those checks for it. It throws
     * {@link IllegalArgumentException} (message: what is wrong) for a command that must not be proposed; the caller
     * gets INVALID_ARGUMENT and nothing is written. It may run on any thread, concurrently with {@link #apply}, so
     * it must not read or change the shard's state. The default admits the command as it is, unmarked.
     */
    default Command admit(Command command) {
        return command;
    }

    /**
     * The log index of the last command applied to this shard's data; 0 if none. It is persisted with the data
     * it covers, possibly later than the apply (never later than {@link #saveSnapshot} and {@link #close}); a
     * shard reopened after a crash reports the last persisted one.
     */
    long lastAppliedIndex();

    /** Writes a self-contained, durable copy of the current state into {@code dir}. */
    void saveSnapshot(Path dir) throws IOException;

    /**
     * Starts a snapshot of the current state into {@code dir} and returns what finishes it. Called on the state-machine
     * thread between applies; the core then runs {@link SnapshotSave#write} on another thread while the group applies
     * later commands, and the files it writes must hold the state as of this call. The default writes the whole
     * snapshot here ({@link #saveSnapshot}) and returns {@link SnapshotSave#DONE}, so applies wait for it; a host
     * whose snapshot takes long (it copies all the data) captures a point-in-time view here, cheaply, and writes it
     * in {@code write}.
     */
    default SnapshotSave startSnapshot(Path dir) throws IOException {
        saveSnapshot(dir);
        return SnapshotSave.DONE;
    }

    /** Replaces the state with the copy that {@link #saveSnapshot} wrote into {@code dir}. */
    void loadSnapshot(Path dir) throws IOException;

    /**
     * A checksum of the shard's content (objects and their versions), equal on replicas with equal
     * content whatever order or timing produced it.
     */
    String checksum();

    /** Releases files and memory; the state stays on disk. */
    @Override
    void close();
}

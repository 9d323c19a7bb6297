package io.shardraft.cluster.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The replicas on a node that must not grant votes or pre-votes: each went through {@link PeerRestore}, so
 * its log was emptied, and an empty log would call any candidate's log "at least as up to date". Raft's
 * safety needs a voter never to forget entries it acknowledged; a guarded replica withholds its vote until
 * it has applied again the last log index it had before the purge (recorded in its {@link VoteGuardMarker},
 * which survives restarts). {@link GuardedVoteProcessor} consults this set for every RequestVote on the
 * node's RPC server; {@link ShardStore} guards and lifts. One per node ({@link NodeResources}), thread-safe.
 *
 * <p>A guarded replica may still time out and stand as candidate (its term bump is harmless): with its
 * empty log it cannot win, since every other member grants only a candidate whose log is at least as up
 * to date as its own.
 */
public final class VoteGuard {
    private static final Logger LOG = LogManager.getLogger("shard_raft_store");
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private record Guard(long index, Path raftDir, String description) {
    }

    private final ConcurrentHashMap<String, Guard> guarded = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastWarned = new ConcurrentHashMap<>();
    private volatile boolean enforced;

    /** Called by whoever registers a {@link GuardedVoteProcessor} with this guard on the node's RPC server. */
    void enforce() {
        enforced = true;
    }

    /** Whether votes of guarded replicas are actually withheld (a vote processor consults this guard). */
    boolean enforced() {
        return enforced;
    }

    private static String key(String groupId, String peerId) {
        return groupId + "@" + peerId;
    }

    /** Withholds the votes of {@code peerId} in {@code groupId} until it has applied {@code index}. */
    void guard(String groupId, String peerId, long index, Path raftDir, String description) {
        guarded.put(key(groupId, peerId), new Guard(index, raftDir, description));
        LOG.warn("[{}] {} on {} withholds its votes until it has applied log index {} (its log was emptied to be"
                + " restored from its peers)", groupId, description, peerId, index);
    }

    /** Whether {@code peerId} withholds its votes in {@code groupId}. */
    boolean isGuarded(String groupId, String peerId) {
        return guarded.containsKey(key(groupId, peerId));
    }

    /** The index the replica must apply before it votes again, or -1 when it is not guarded. */
    long guardedIndex(String groupId, String peerId) {
        Guard g = guarded.get(key(groupId, peerId));
        return g == null ? -1 : g.index();
    }

    /**
     * Lifts the guard of {@code peerId} in {@code groupId} if {@code appliedIndex} reached the recorded index:
     * the marker is deleted first, then the replica votes again. Returns whether the replica is still guarded.
     */
    boolean liftIfCaughtUp(String groupId, String peerId, long appliedIndex) {
        String k = key(groupId, peerId);
        Guard g = guarded.get(k);
        if (g == null) {
            return false;
        }
        if (appliedIndex < g.index()) {
            return true;
        }
        synchronized (g) {
            if (guarded.get(k) != g) {
                return guarded.containsKey(k);
            }
            try {
                VoteGuardMarker.delete(g.raftDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the vote guard of " + g.description() + " in "
                        + g.raftDir(), e);
            }
            guarded.remove(k, g);
        }
        lastWarned.remove(k);
        LOG.info("[{}] {} on {} applied log index {} (guarded until {}): it is caught up and votes again", groupId,
                g.description(), peerId, appliedIndex, g.index());
        return false;
    }

    /** Forgets the guard in memory (the replica stopped); its marker stays for the next start. */
    void release(String groupId, String peerId) {
        guarded.remove(key(groupId, peerId));
        lastWarned.remove(key(groupId, peerId));
    }

    /** Logs at WARN, at most once a minute per replica, that a vote was withheld. */
    void withheld(String groupId, String peerId, String candidate, boolean preVote, long appliedIndex) {
        String k = key(groupId, peerId);
        Guard g = guarded.get(k);
        if (g == null) {
            return;
        }
        long now = System.nanoTime();
        boolean[] due = {false};
        lastWarned.compute(k, (key, last) -> {
            if (last == null || now - last >= WARN_EVERY_NANOS) {
                due[0] = true;
                return now;
            }
            return last;
        });
        if (!due[0]) {
            return;
        }
        LOG.warn("[{}] {} on {} withholds its {} from {}: its log was emptied to restore it from its peers and it"
                + " has applied index {} of the {} it had acknowledged before (further refusals for a minute are not"
                + " logged)", groupId, g.description(), peerId, preVote ? "pre-vote" : "vote", candidate,
                appliedIndex, g.index());
    }
}

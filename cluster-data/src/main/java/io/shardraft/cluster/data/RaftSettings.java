package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import java.time.Duration;

/**
 * The Raft and request tuning shared by {@link RegistryConfig}, {@link IndexRaftConfig} and
 * {@link ShardStoreConfig} (the origin plan repeats these fields on every level; here they live once).
 *
 * @param applyTimeout       how long a proposal may take to commit and apply before the caller gets
 *                           DEADLINE_EXCEEDED (outcome unknown); also the deadline of a forwarded write
 * @param heartbeatTimeout   leader heartbeat period; with quiet groups on it may be longer than the
 *                           election timeout (followers of a reachable leader wait the quiet timeout), and it
 *                           must be at most half the quiet election timeout
 * @param electionTimeout    the election timeout of a replica that has no leader or whose leader's node does not
 *                           answer the node's liveness pings ({@link NodeLiveness}): how soon failover starts
 * @param quietElectionTimeout the election timeout of a follower whose leader's node answers, and the window in
 *                           which a leader must hear from a quorum ({@link ElectionPacer}); equal to
 *                           {@code electionTimeout}: quiet groups off, every replica waits the election timeout
 * @param idleHeartbeatTimeout the heartbeat period of an idle group (no new log entry for {@link #IDLE_AFTER_HEARTBEATS}
 *                           heartbeats; {@link ElectionPacer}): its followers then wait the
 *                           {@link #idleElectionTimeout()} while its leader's node answers; a write wakes it at once;
 *                           equal to {@code heartbeatTimeout}: idle groups heartbeat like busy ones. Only with quiet
 *                           groups on
 * @param leaderLeaseTimeout how long a leader may keep leading without hearing from a quorum;
 *                           must be shorter than the election timeout
 * @param snapshotInterval   the age trigger: at this period a group takes a snapshot if at least
 *                           {@code snapshotThreshold} entries were applied since its last one
 * @param snapshotThreshold  the fewest entries applied since the last snapshot for any snapshot to be
 *                           taken (JRaft's snapshotLogIndexMargin; 1 = any change)
 * @param snapshotEntries    the entries trigger: a snapshot as soon as this many entries were applied
 *                           since the last one (scaled like {@code snapshotBytes} for a large replica)
 * @param snapshotBytes      the bytes trigger: a snapshot as soon as the commands applied since the last
 *                           one add up to this many bytes (bounds the log on disk); for a replica whose last
 *                           snapshot was larger, both triggers are scaled by that size over this one, so a
 *                           replica writes about one byte of snapshot per byte applied however large it grows,
 *                           and its log stays no larger than its snapshot ({@link SnapshotTrigger})
 * @param snapshotThrottleBytesPerSecond the bandwidth install-snapshot may use on a node in all: one throttle
 *                           per node ({@link NodeResources}) that every group's leader-side snapshot reads and
 *                           follower-side downloads share; 0 = unlimited
 * @param snapshotsKept      how many snapshots a replica keeps: JRaft keeps the latest, older ones (up to
 *                           this count in all) stay in {@code raft/snapshot-history}; 1 = only the latest
 * @param minFreeDiskBytes   the free space the disk under a replica's directory must keep: below it, writes
 *                           that add data are refused with RESOURCE_EXHAUSTED (deletes and drops pass,
 *                           reads go on); 0 = no check
 * @param maxMessageBytes    the largest gRPC message accepted or sent between nodes
 * @param maxCommandBytes    the largest serialized command accepted into a log (larger: INVALID_ARGUMENT)
 * @param bundleWindow       how many log entries of bundled single-object writes a shard's leader keeps in flight
 *                           (proposed, not yet applied on it) before it holds new ones back to propose them
 *                           together as one entry ({@link ProposalBundler}); only for host shards that apply
 *                           bundles; 0 = every write its own entry. Nodes of an older build cannot apply bundles:
 *                           set 0 until all nodes of the cluster run a build that can
 * @param retryBudget        how long the Router keeps retrying NOT_LEADER/UNAVAILABLE (e.g. during an
 *                           election) before it gives up
 * @param logStore           where the node keeps its groups' Raft logs (default: one shared store)
 * @param logStoreMemtableBytes the shared log store's RocksDB write buffer (memtable) size; the store keeps at
 *                           most four of these in WAL files before it flushes the column families that pin
 *                           the oldest, which bounds the log's disk use under steady writes
 */
public record RaftSettings(
        Duration applyTimeout,
        Duration heartbeatTimeout,
        Duration electionTimeout,
        Duration quietElectionTimeout,
        Duration idleHeartbeatTimeout,
        Duration leaderLeaseTimeout,
        Duration snapshotInterval,
        long snapshotThreshold,
        long snapshotEntries,
        long snapshotBytes,
        long snapshotThrottleBytesPerSecond,
        int snapshotsKept,
        long minFreeDiskBytes,
        int maxMessageBytes,
        int maxCommandBytes,
        int bundleWindow,
        Duration retryBudget,
        RaftLogStore logStore,
        long logStoreMemtableBytes) {

    /** A group is idle once it has had no new log entry for this many heartbeats. */
    public static final int IDLE_AFTER_HEARTBEATS = 3;
    /** The largest {@link #bundleWindow()}: beyond a few entries in flight, bundles only get smaller. */
    public static final int MAX_BUNDLE_WINDOW = 64;
    public static final RaftSettings DEFAULTS = builder().build();

    public RaftSettings {
        positive(applyTimeout, "applyTimeout");
        positive(heartbeatTimeout, "heartbeatTimeout");
        positive(electionTimeout, "electionTimeout");
        positive(quietElectionTimeout, "quietElectionTimeout");
        positive(idleHeartbeatTimeout, "idleHeartbeatTimeout");
        positive(leaderLeaseTimeout, "leaderLeaseTimeout");
        positive(snapshotInterval, "snapshotInterval");
        positive(retryBudget, "retryBudget");
        Preconditions.checkNotNull(logStore, "logStore");
        Preconditions.checkArgument(logStoreMemtableBytes >= 64 * 1024, "logStoreMemtableBytes must be at least 64 KiB, got %s",
                logStoreMemtableBytes);
        Preconditions.checkArgument(quietElectionTimeout.compareTo(electionTimeout) >= 0,
                "quietElectionTimeout (%s) must not be shorter than electionTimeout (%s)", quietElectionTimeout,
                electionTimeout);
        Preconditions.checkArgument(quietElectionTimeout.toMillis() <= Integer.MAX_VALUE, "quietElectionTimeout too long");
        if (quietElectionTimeout.equals(electionTimeout)) {
            Preconditions.checkArgument(heartbeatTimeout.compareTo(electionTimeout) < 0,
                    "heartbeatTimeout (%s) must be shorter than electionTimeout (%s) when quiet groups are off "
                            + "(quietElectionTimeout equal to it)", heartbeatTimeout, electionTimeout);
        } else {
            Preconditions.checkArgument(heartbeatTimeout.multipliedBy(2).compareTo(quietElectionTimeout) <= 0,
                    "heartbeatTimeout (%s) must be at most half the quietElectionTimeout (%s)", heartbeatTimeout,
                    quietElectionTimeout);
        }
        Preconditions.checkArgument(idleHeartbeatTimeout.compareTo(heartbeatTimeout) >= 0,
                "idleHeartbeatTimeout (%s) must not be shorter than heartbeatTimeout (%s)", idleHeartbeatTimeout,
                heartbeatTimeout);
        Preconditions.checkArgument(quietElectionTimeout.compareTo(electionTimeout) > 0
                        || idleHeartbeatTimeout.equals(heartbeatTimeout),
                "idleHeartbeatTimeout (%s) needs quiet groups (quietElectionTimeout longer than electionTimeout); "
                        + "without them it must equal heartbeatTimeout (%s)", idleHeartbeatTimeout, heartbeatTimeout);
        Preconditions.checkArgument(idleElectionMillis(quietElectionTimeout, idleHeartbeatTimeout, heartbeatTimeout)
                        <= Integer.MAX_VALUE,
                "idleHeartbeatTimeout (%s) too long: the idle election timeout would pass %s ms", idleHeartbeatTimeout,
                Integer.MAX_VALUE);
        Preconditions.checkArgument(leaderLeaseTimeout.compareTo(electionTimeout) < 0,
                "leaderLeaseTimeout (%s) must be shorter than electionTimeout (%s)", leaderLeaseTimeout, electionTimeout);
        Preconditions.checkArgument(electionTimeout.toMillis() <= Integer.MAX_VALUE, "electionTimeout too long");
        Preconditions.checkArgument(snapshotInterval.toSeconds() >= 1 && snapshotInterval.toSeconds() <= Integer.MAX_VALUE,
                "snapshotInterval must be between 1s and %s s, got %s", Integer.MAX_VALUE, snapshotInterval);
        Preconditions.checkArgument(snapshotThreshold >= 0 && snapshotThreshold <= Integer.MAX_VALUE,
                "snapshotThreshold must be between 0 and %s, got %s", Integer.MAX_VALUE, snapshotThreshold);
        Preconditions.checkArgument(snapshotEntries >= 1, "snapshotEntries must be at least 1, got %s", snapshotEntries);
        Preconditions.checkArgument(snapshotBytes >= 1, "snapshotBytes must be at least 1, got %s", snapshotBytes);
        Preconditions.checkArgument(snapshotThrottleBytesPerSecond >= 0,
                "snapshotThrottleBytesPerSecond must be 0 (unlimited) or positive, got %s", snapshotThrottleBytesPerSecond);
        Preconditions.checkArgument(snapshotsKept >= 1 && snapshotsKept <= 1000, "snapshotsKept must be 1..1000, got %s",
                snapshotsKept);
        Preconditions.checkArgument(minFreeDiskBytes >= 0, "minFreeDiskBytes must be 0 (no check) or positive, got %s",
                minFreeDiskBytes);
        Preconditions.checkArgument(maxMessageBytes >= 1024, "maxMessageBytes must be at least 1024, got %s", maxMessageBytes);
        Preconditions.checkArgument(maxCommandBytes >= 64, "maxCommandBytes must be at least 64, got %s", maxCommandBytes);
        Preconditions.checkArgument(maxCommandBytes + 4096 <= maxMessageBytes,
                "maxCommandBytes (%s) + 4 KiB of framing must fit in maxMessageBytes (%s)", maxCommandBytes, maxMessageBytes);
        Preconditions.checkArgument(bundleWindow >= 0 && bundleWindow <= MAX_BUNDLE_WINDOW,
                "bundleWindow must be 0 (off) to %s, got %s", MAX_BUNDLE_WINDOW, bundleWindow);
    }

    private static void positive(Duration d, String name) {
        Preconditions.checkArgument(d != null && !d.isNegative() && !d.isZero(), "%s must be positive, got %s", name, d);
    }

    /** Whether followers of a reachable leader wait the longer {@link #quietElectionTimeout()}. */
    public boolean quietGroups() {
        return quietElectionTimeout.compareTo(electionTimeout) > 0;
    }

    /** Whether idle groups heartbeat less often than busy ones ({@link #idleHeartbeatTimeout()}). */
    public boolean idleGroups() {
        return idleHeartbeatTimeout.compareTo(heartbeatTimeout) > 0;
    }

    /**
     * The election timeout of a follower of an idle group whose leader's node answers, and the window in which an
     * idle group's leader must hear from a quorum: the quiet election timeout stretched as the heartbeat is, so it
     * spans as many heartbeats.
     */
    public Duration idleElectionTimeout() {
        return Duration.ofMillis(idleElectionMillis(quietElectionTimeout, idleHeartbeatTimeout, heartbeatTimeout));
    }

    private static long idleElectionMillis(Duration quiet, Duration idleHeartbeat, Duration heartbeat) {
        return quiet.toMillis() * idleHeartbeat.toMillis() / Math.max(1, heartbeat.toMillis());
    }

    /**
     * JRaft's heartbeat period is electionTimeout / electionHeartbeatFactor when a node starts; with quiet groups
     * {@link NodeInternals#setHeartbeat} then sets the leader's heartbeat to {@link #heartbeatTimeout()} itself.
     */
    int electionHeartbeatFactor() {
        if (quietGroups()) {
            // until the pacer sets the heartbeat (or when nothing paces the replica): JRaft's default ratio
            return Builder.HEARTBEATS_PER_TIMEOUT;
        }
        return (int) Math.max(2, electionTimeout.toMillis() / Math.max(1, heartbeatTimeout.toMillis()));
    }


    /** JRaft expresses the leader lease as a percentage of the election timeout. */
    int leaderLeaseTimeRatio() {
        return (int) Math.max(1, Math.min(99, leaderLeaseTimeout.toMillis() * 100 / electionTimeout.toMillis()));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .applyTimeout(applyTimeout)
                .heartbeatTimeout(heartbeatTimeout)
                .electionTimeout(electionTimeout)
                .quietElectionTimeout(quietElectionTimeout)
                .idleHeartbeatTimeout(idleHeartbeatTimeout)
                .leaderLeaseTimeout(leaderLeaseTimeout)
                .snapshotInterval(snapshotInterval)
                .snapshotThreshold(snapshotThreshold)
                .snapshotEntries(snapshotEntries)
                .snapshotBytes(snapshotBytes)
                .snapshotThrottleBytesPerSecond(snapshotThrottleBytesPerSecond)
                .snapshotsKept(snapshotsKept)
                .minFreeDiskBytes(minFreeDiskBytes)
                .maxMessageBytes(maxMessageBytes)
                .maxCommandBytes(maxCommandBytes)
                .bundleWindow(bundleWindow)
                .retryBudget(retryBudget)
                .logStore(logStore)
                .logStoreMemtableBytes(logStoreMemtableBytes);
    }

    /** Builder with the defaults: 10 s apply, 1 s election, quiet election ten times that, heartbeat a tenth of the quiet election timeout (1 s), idle groups' heartbeat thirty heartbeats (30 s), 900 ms lease, snapshots after 100,000 entries, 64 MiB of commands or 600 s with at least one change, install-snapshot throttled to 64 MiB/s per node, the latest snapshot kept, writes refused below 256 MiB of free disk, 64 MiB messages, 16 MiB commands, 2 bundled entries in flight per leader, 5 s retry budget, the shared log store with 64 MiB memtables. */
    public static final class Builder {
        /** The default quiet election timeout, in election timeouts. */
        public static final int QUIET_FACTOR = 10;
        /** Heartbeats per election timeout: JRaft's default electionHeartbeatFactor; the default quiet heartbeat too. */
        public static final int HEARTBEATS_PER_TIMEOUT = 10;
        /** The default idle heartbeat, in heartbeats (with quiet groups on). */
        public static final int IDLE_FACTOR = 30;
        private Duration applyTimeout = Duration.ofSeconds(10);
        /** Null: a tenth of the quiet election timeout. */
        private Duration heartbeatTimeout;
        private Duration electionTimeout = Duration.ofMillis(1000);
        /** Null: {@link #QUIET_FACTOR} times the election timeout. */
        private Duration quietElectionTimeout;
        /** Null: {@link #IDLE_FACTOR} heartbeats with quiet groups on, the heartbeat with them off. */
        private Duration idleHeartbeatTimeout;
        private Duration leaderLeaseTimeout = Duration.ofMillis(900);
        private Duration snapshotInterval = Duration.ofSeconds(600);
        private long snapshotThreshold = 1;
        private long snapshotEntries = 100_000;
        private long snapshotBytes = 64L << 20;
        private long snapshotThrottleBytesPerSecond = 64L << 20;
        private int snapshotsKept = 1;
        private long minFreeDiskBytes = 256L << 20;
        private int maxMessageBytes = 64 * 1024 * 1024;
        private int maxCommandBytes = 16 * 1024 * 1024;
        private int bundleWindow = 2;
        private Duration retryBudget = Duration.ofSeconds(5);
        private RaftLogStore logStore = RaftLogStore.SHARED;
        private long logStoreMemtableBytes = 64L << 20;

        public Builder applyTimeout(Duration v) { this.applyTimeout = v; return this; }
        public Builder heartbeatTimeout(Duration v) { this.heartbeatTimeout = v; return this; }
        public Builder electionTimeout(Duration v) { this.electionTimeout = v; return this; }
        public Builder quietElectionTimeout(Duration v) { this.quietElectionTimeout = v; return this; }
        public Builder idleHeartbeatTimeout(Duration v) { this.idleHeartbeatTimeout = v; return this; }
        public Builder leaderLeaseTimeout(Duration v) { this.leaderLeaseTimeout = v; return this; }
        public Builder snapshotInterval(Duration v) { this.snapshotInterval = v; return this; }
        public Builder snapshotThreshold(long v) { this.snapshotThreshold = v; return this; }
        public Builder snapshotEntries(long v) { this.snapshotEntries = v; return this; }
        public Builder snapshotBytes(long v) { this.snapshotBytes = v; return this; }
        public Builder snapshotThrottleBytesPerSecond(long v) { this.snapshotThrottleBytesPerSecond = v; return this; }
        public Builder snapshotsKept(int v) { this.snapshotsKept = v; return this; }
        public Builder minFreeDiskBytes(long v) { this.minFreeDiskBytes = v; return this; }
        public Builder maxMessageBytes(int v) { this.maxMessageBytes = v; return this; }
        public Builder maxCommandBytes(int v) { this.maxCommandBytes = v; return this; }
        public Builder bundleWindow(int v) { this.bundleWindow = v; return this; }
        public Builder retryBudget(Duration v) { this.retryBudget = v; return this; }
        public Builder logStore(RaftLogStore v) { this.logStore = v; return this; }
        public Builder logStoreMemtableBytes(long v) { this.logStoreMemtableBytes = v; return this; }

        public RaftSettings build() {
            Duration quiet = quietElectionTimeout != null ? quietElectionTimeout
                    : electionTimeout == null ? null : electionTimeout.multipliedBy(QUIET_FACTOR);
            Duration heartbeat = heartbeatTimeout != null ? heartbeatTimeout
                    : quiet == null ? null : quiet.dividedBy(HEARTBEATS_PER_TIMEOUT);
            Duration idle = idleHeartbeatTimeout != null ? idleHeartbeatTimeout
                    : heartbeat == null || quiet == null || quiet.equals(electionTimeout) ? heartbeat
                    : heartbeat.multipliedBy(IDLE_FACTOR);
            return new RaftSettings(applyTimeout, heartbeat, electionTimeout, quiet, idle, leaderLeaseTimeout,
                    snapshotInterval, snapshotThreshold, snapshotEntries, snapshotBytes, snapshotThrottleBytesPerSecond,
                    snapshotsKept, minFreeDiskBytes, maxMessageBytes, maxCommandBytes, bundleWindow, retryBudget, logStore,
                    logStoreMemtableBytes);
        }
    }
}

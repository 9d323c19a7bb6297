package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import java.time.Duration;

/**
 * The Raft and request tuning shared by {@link RegistryConfig}, {@link IndexRaftConfig} and
 * {@link ShardStoreConfig} (the origin plan repeats these fields on every level; here they live once).
 *
 * @param applyTimeout       how long a proposal may take to commit and apply before the caller gets
 *                           DEADLINE_EXCEEDED (outcome unknown); also the deadline of a forwarded write
 * @param heartbeatTimeout   leader heartbeat period (JRaft: electionTimeout / electionHeartbeatFactor)
 * @param electionTimeout    follower timeout before it starts an election
 * @param leaderLeaseTimeout how long a leader may keep leading without hearing from a quorum;
 *                           must be shorter than the election timeout
 * @param snapshotInterval   how often a group considers taking a snapshot
 * @param snapshotThreshold  minimum number of entries applied since the last snapshot before one is taken
 * @param maxMessageBytes    the largest gRPC message accepted or sent between nodes
 * @param maxCommandBytes    the largest serialized command accepted into a log (larger: INVALID_ARGUMENT)
 * @param retryBudget        how long the Router keeps retrying NOT_LEADER/UNAVAILABLE (e.g. during an
 *                           election) before it gives up
 * @param logStore           where the node keeps its groups' Raft logs (default: one shared store)
 */
public record RaftSettings(
        Duration applyTimeout,
        Duration heartbeatTimeout,
        Duration electionTimeout,
        Duration leaderLeaseTimeout,
        Duration snapshotInterval,
        long snapshotThreshold,
        int maxMessageBytes,
        int maxCommandBytes,
        Duration retryBudget,
        RaftLogStore logStore) {

    public static final RaftSettings DEFAULTS = builder().build();

    public RaftSettings {
        positive(applyTimeout, "applyTimeout");
        positive(heartbeatTimeout, "heartbeatTimeout");
        positive(electionTimeout, "electionTimeout");
        positive(leaderLeaseTimeout, "leaderLeaseTimeout");
        positive(snapshotInterval, "snapshotInterval");
        positive(retryBudget, "retryBudget");
        Preconditions.checkNotNull(logStore, "logStore");
        Preconditions.checkArgument(heartbeatTimeout.compareTo(electionTimeout) < 0,
                "heartbeatTimeout (%s) must be shorter than electionTimeout (%s)", heartbeatTimeout, electionTimeout);
        Preconditions.checkArgument(leaderLeaseTimeout.compareTo(electionTimeout) < 0,
                "leaderLeaseTimeout (%s) must be shorter than electionTimeout (%s)", leaderLeaseTimeout, electionTimeout);
        Preconditions.checkArgument(electionTimeout.toMillis() <= Integer.MAX_VALUE, "electionTimeout too long");
        Preconditions.checkArgument(snapshotInterval.toSeconds() >= 1 && snapshotInterval.toSeconds() <= Integer.MAX_VALUE,
                "snapshotInterval must be between 1s and %s s, got %s", Integer.MAX_VALUE, snapshotInterval);
        Preconditions.checkArgument(snapshotThreshold >= 0 && snapshotThreshold <= Integer.MAX_VALUE,
                "snapshotThreshold must be between 0 and %s, got %s", Integer.MAX_VALUE, snapshotThreshold);
        Preconditions.checkArgument(maxMessageBytes >= 1024, "maxMessageBytes must be at least 1024, got %s", maxMessageBytes);
        Preconditions.checkArgument(maxCommandBytes >= 64, "maxCommandBytes must be at least 64, got %s", maxCommandBytes);
        Preconditions.checkArgument(maxCommandBytes + 4096 <= maxMessageBytes,
                "maxCommandBytes (%s) + 4 KiB of framing must fit in maxMessageBytes (%s)", maxCommandBytes, maxMessageBytes);
    }

    private static void positive(Duration d, String name) {
        Preconditions.checkArgument(d != null && !d.isNegative() && !d.isZero(), "%s must be positive, got %s", name, d);
    }

    /** JRaft's heartbeat period is electionTimeout / electionHeartbeatFactor. */
    int electionHeartbeatFactor() {
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
                .leaderLeaseTimeout(leaderLeaseTimeout)
                .snapshotInterval(snapshotInterval)
                .snapshotThreshold(snapshotThreshold)
                .maxMessageBytes(maxMessageBytes)
                .maxCommandBytes(maxCommandBytes)
                .retryBudget(retryBudget)
                .logStore(logStore);
    }

    /** Builder with the defaults: 10 s apply, 100 ms heartbeat, 1 s election, 900 ms lease, snapshots every 120 s after 8192 entries, 64 MiB messages, 16 MiB commands, 5 s retry budget, the shared log store. */
    public static final class Builder {
        private Duration applyTimeout = Duration.ofSeconds(10);
        private Duration heartbeatTimeout = Duration.ofMillis(100);
        private Duration electionTimeout = Duration.ofMillis(1000);
        private Duration leaderLeaseTimeout = Duration.ofMillis(900);
        private Duration snapshotInterval = Duration.ofSeconds(120);
        private long snapshotThreshold = 8192;
        private int maxMessageBytes = 64 * 1024 * 1024;
        private int maxCommandBytes = 16 * 1024 * 1024;
        private Duration retryBudget = Duration.ofSeconds(5);
        private RaftLogStore logStore = RaftLogStore.SHARED;

        public Builder applyTimeout(Duration v) { this.applyTimeout = v; return this; }
        public Builder heartbeatTimeout(Duration v) { this.heartbeatTimeout = v; return this; }
        public Builder electionTimeout(Duration v) { this.electionTimeout = v; return this; }
        public Builder leaderLeaseTimeout(Duration v) { this.leaderLeaseTimeout = v; return this; }
        public Builder snapshotInterval(Duration v) { this.snapshotInterval = v; return this; }
        public Builder snapshotThreshold(long v) { this.snapshotThreshold = v; return this; }
        public Builder maxMessageBytes(int v) { this.maxMessageBytes = v; return this; }
        public Builder maxCommandBytes(int v) { this.maxCommandBytes = v; return this; }
        public Builder retryBudget(Duration v) { this.retryBudget = v; return this; }
        public Builder logStore(RaftLogStore v) { this.logStore = v; return this; }

        public RaftSettings build() {
            return new RaftSettings(applyTimeout, heartbeatTimeout, electionTimeout, leaderLeaseTimeout,
                    snapshotInterval, snapshotThreshold, maxMessageBytes, maxCommandBytes, retryBudget, logStore);
        }
    }
}

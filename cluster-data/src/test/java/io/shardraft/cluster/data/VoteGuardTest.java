package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import io.shardraft.cluster.log.SharedLogStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vote guard of a replica restored from its peers is durable: PeerRestore records the last log index
 * before it empties the log, the record survives a restart (a new guard reads it back), and it is removed
 * only once the replica has applied that index again.
 */
class VoteGuardTest {
    private static final String PEER = "127.0.0.1:7001";

    @TempDir
    Path dir;

    private ShardStoreConfig config() {
        StaticAddressResolver r = new StaticAddressResolver(Map.of(
                "n1", new NodeAddress("127.0.0.1", 7001, 7002), "n2", new NodeAddress("127.0.0.1", 7003, 7004)));
        return new ShardStoreConfig("idx", "s0", "n1", List.of("n1", "n2"), dir.resolve("shard"), r, null);
    }

    @Test
    void theSharedLogsLastIndexIsRecordedBeforeThePurgeAndKeptUntilCaughtUp() throws Exception {
        ShardStoreConfig config = config();
        try (SharedLogStore store = SharedLogStore.open(dir.resolve("log-store"))) {
            Path logDir = config.raftDir().resolve("log");
            append(store.serviceFactory(config.groupId()).createLogStorage(logDir.toString(), new RaftOptions()), 7);
            Files.createDirectories(config.raftDir().resolve("snapshot").resolve("snapshot_4"));

            assertEquals(7, PeerRestore.setAside(config, store, logDir, "test failure", 1));

            assertEquals(0, PeerRestore.lastLogIndex(config, store, logDir), "the log was emptied");
            assertEquals(OptionalLong.of(7), VoteGuardMarker.read(config.raftDir()),
                    "the index recorded is the one the log had before it was emptied");
            assertGuardedAcrossRestartAndLiftedAt(config, 7);
        }
    }

    @Test
    void aPerGroupLogOrANewerSnapshotGivesTheIndexToo() throws Exception {
        ShardStoreConfig config = config();
        Path logDir = config.raftDir().resolve("log");
        Files.createDirectories(logDir);
        append(DefaultJRaftServiceFactory.newInstance().createLogStorage(logDir.toString(), new RaftOptions()), 3);
        Files.createDirectories(config.raftDir().resolve("snapshot").resolve("snapshot_12"));

        assertEquals(12, PeerRestore.setAside(config, null, logDir, "test failure", 1),
                "a snapshot past the log's last entry (the log truncated behind it) counts");
        assertEquals(0, PeerRestore.lastLogIndex(config, null, logDir), "the log was emptied");
        assertEquals(OptionalLong.of(12), VoteGuardMarker.read(config.raftDir()));
        assertTrue(Files.isDirectory(config.raftDir().resolve("snapshot.corrupt-1")), "the snapshots are kept aside");
        assertGuardedAcrossRestartAndLiftedAt(config, 12);
    }

    @Test
    void aSecondRestoreBeforeCatchUpKeepsTheHigherIndex() throws Exception {
        ShardStoreConfig config = config();
        Path logDir = config.raftDir().resolve("log");
        Files.createDirectories(logDir);
        Files.createDirectories(config.raftDir().resolve("snapshot"));
        VoteGuardMarker.write(config.raftDir(), 30);
        append(DefaultJRaftServiceFactory.newInstance().createLogStorage(logDir.toString(), new RaftOptions()), 2);

        assertEquals(30, PeerRestore.setAside(config, null, logDir, "test failure", 2));
        assertEquals(OptionalLong.of(30), VoteGuardMarker.read(config.raftDir()));
    }

    @Test
    void aMarkerThatDoesNotParseIsAnErrorNamingIt() throws Exception {
        Path raftDir = Files.createDirectories(dir.resolve("raft"));
        Files.writeString(VoteGuardMarker.path(raftDir), "garbage");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> VoteGuardMarker.read(raftDir));
        assertTrue(e.getMessage().contains(VoteGuardMarker.path(raftDir).toString()), e.getMessage());
    }

    private static void assertGuardedAcrossRestartAndLiftedAt(ShardStoreConfig config, long index) throws Exception {
        Path raftDir = config.raftDir();
        // a restart: a new node's guard only has the marker to go by
        VoteGuard afterRestart = new VoteGuard();
        afterRestart.guard(config.groupId(), PEER, VoteGuardMarker.read(raftDir).orElseThrow(), raftDir, "test replica");
        assertTrue(afterRestart.isGuarded(config.groupId(), PEER));
        assertFalse(afterRestart.isGuarded(config.groupId(), "127.0.0.1:7003"), "only this replica");
        assertFalse(afterRestart.isGuarded("other-group", PEER), "only this group");

        assertTrue(afterRestart.liftIfCaughtUp(config.groupId(), PEER, index - 1), "one entry short: still guarded");
        assertTrue(Files.exists(VoteGuardMarker.path(raftDir)));
        afterRestart.release(config.groupId(), PEER);
        assertTrue(Files.exists(VoteGuardMarker.path(raftDir)), "stopping keeps the marker for the next start");

        afterRestart.guard(config.groupId(), PEER, VoteGuardMarker.read(raftDir).orElseThrow(), raftDir, "test replica");
        assertFalse(afterRestart.liftIfCaughtUp(config.groupId(), PEER, index), "caught up: votes again");
        assertFalse(afterRestart.isGuarded(config.groupId(), PEER));
        assertFalse(Files.exists(VoteGuardMarker.path(raftDir)), "the marker is removed once caught up");
        assertEquals(OptionalLong.empty(), VoteGuardMarker.read(raftDir));
    }

    private static void append(LogStorage storage, int entries) {
        LogStorageOptions opts = new LogStorageOptions();
        opts.setConfigurationManager(new ConfigurationManager());
        opts.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
        assertTrue(storage.init(opts));
        try {
            List<LogEntry> list = new ArrayList<>();
            for (int i = 1; i <= entries; i++) {
                LogEntry e = new LogEntry(EntryType.ENTRY_TYPE_DATA);
                e.setId(new LogId(i, 1));
                e.setData(ByteBuffer.wrap(("entry " + i).getBytes(StandardCharsets.UTF_8)));
                list.add(e);
            }
            assertEquals(entries, storage.appendEntries(list));
        } finally {
            storage.shutdown();
        }
    }
}

package io.shardraft.cluster.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.conf.ConfigurationEntry;
import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared Raft log store through the JRaft {@link LogStorage} a group sees, with the cases of JRaft's
 * own per-group store tests (BaseLogStorageTest, RocksDBLogStorageTest): empty state, append/get/term,
 * prefix and suffix truncation, reset, configuration reload and first/last index after a restart or a
 * crash, plus what sharing adds: groups interleaved without seeing each other, and a dropped group purged.
 */
class SharedLogStoreTest {
    @TempDir
    Path dir;

    private SharedLogStore store;

    @BeforeEach
    void open() throws Exception {
        store = SharedLogStore.open(dir.resolve("log"));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private LogStorage group(String groupId) {
        return group(store, groupId, new ConfigurationManager());
    }

    private static LogStorage group(SharedLogStore s, String groupId, ConfigurationManager conf) {
        LogStorage storage = s.serviceFactory(groupId).createLogStorage("unused", new RaftOptions());
        LogStorageOptions opts = new LogStorageOptions();
        opts.setGroupId(groupId);
        opts.setConfigurationManager(conf);
        opts.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
        assertTrue(storage.init(opts), "init " + groupId);
        return storage;
    }

    private static LogEntry data(long index, long term, String payload) {
        LogEntry e = new LogEntry(EntryType.ENTRY_TYPE_DATA);
        e.setId(new LogId(index, term));
        e.setData(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
        return e;
    }

    private static LogEntry conf(long index, long term, String... peers) {
        LogEntry e = new LogEntry(EntryType.ENTRY_TYPE_CONFIGURATION);
        e.setId(new LogId(index, term));
        List<PeerId> list = new ArrayList<>();
        for (String p : peers) {
            list.add(PeerId.parsePeer(p));
        }
        e.setPeers(list);
        return e;
    }

    private static List<LogEntry> entries(long from, long to, long term, String tag) {
        List<LogEntry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(data(i, term, tag + i));
        }
        return list;
    }

    private static String payload(LogEntry e) {
        ByteBuffer b = e.getData().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void reopen() throws Exception {
        store.close();
        store = SharedLogStore.open(dir.resolve("log"));
    }

    @Test
    void emptyGroup() {
        LogStorage log = group("g_a__s0");
        assertEquals(1, log.getFirstLogIndex());
        assertEquals(0, log.getLastLogIndex());
        assertNull(log.getEntry(1));
        assertEquals(0, log.getTerm(1));
    }

    @Test
    void appendGetAndTerm() {
        LogStorage log = group("g_a__s0");
        assertTrue(log.appendEntry(data(1, 1, "one")));
        assertEquals(9, log.appendEntries(entries(2, 10, 2, "e")));
        assertEquals(1, log.getFirstLogIndex());
        assertEquals(10, log.getLastLogIndex());
        assertEquals("one", payload(log.getEntry(1)));
        assertEquals(1, log.getTerm(1));
        for (long i = 2; i <= 10; i++) {
            assertEquals("e" + i, payload(log.getEntry(i)));
            assertEquals(2, log.getTerm(i));
        }
        assertNull(log.getEntry(11));
    }

    @Test
    void truncatePrefixKeepsFirstIndexAcrossRestartAndRemovesTheKeys() throws Exception {
        LogStorage log = group("g_a__s0");
        log.appendEntries(entries(1, 10, 1, "e"));
        assertTrue(log.truncatePrefix(5));
        assertEquals(5, log.getFirstLogIndex());
        assertEquals(10, log.getLastLogIndex());
        assertNull(log.getEntry(4));
        assertEquals("e5", payload(log.getEntry(5)));
        // 6 entries left, plus the first-index record
        assertEquals(6 + 1, store.keyCount("g_a__s0"));

        reopen();
        LogStorage again = group("g_a__s0");
        assertEquals(5, again.getFirstLogIndex());
        assertEquals(10, again.getLastLogIndex());
        assertNull(again.getEntry(4));
        assertEquals("e10", payload(again.getEntry(10)));
    }

    @Test
    void truncatePrefixBeyondTheLastEntryLeavesAnEmptyLogStartingThere() throws Exception {
        LogStorage log = group("g_a__s0");
        log.appendEntries(entries(1, 10, 1, "e"));
        assertTrue(log.truncatePrefix(21));
        reopen();
        LogStorage again = group("g_a__s0");
        assertEquals(21, again.getFirstLogIndex());
        assertEquals(0, again.getLastLogIndex());
        assertTrue(again.appendEntry(data(21, 3, "after")));
        assertEquals(21, again.getLastLogIndex());
    }

    @Test
    void truncateSuffixThenAppendAgain() throws Exception {
        LogStorage log = group("g_a__s0");
        log.appendEntries(entries(1, 10, 1, "e"));
        log.appendEntry(conf(11, 1, "127.0.0.1:1", "127.0.0.1:2"));
        assertTrue(log.truncateSuffix(6));
        assertEquals(6, log.getLastLogIndex());
        assertNull(log.getEntry(7));
        assertNull(log.getEntry(11));
        assertTrue(log.truncateSuffix(8), "truncating past the end is a no-op");
        assertEquals(6, log.getLastLogIndex());
        log.appendEntries(entries(7, 8, 2, "new"));
        assertEquals("new7", payload(log.getEntry(7)));
        assertEquals(2, log.getTerm(8));

        reopen();
        ConfigurationManager confs = new ConfigurationManager();
        LogStorage again = group(store, "g_a__s0", confs);
        assertEquals(8, again.getLastLogIndex());
        assertTrue(confs.getLastConfiguration().isEmpty(), "the truncated configuration entry is not reloaded");
    }

    @Test
    void resetKeepsOnlyTheNextEntry() {
        LogStorage log = group("g_a__s0");
        log.appendEntries(entries(1, 10, 1, "e"));
        assertTrue(log.reset(5));
        assertEquals(5, log.getFirstLogIndex());
        assertEquals(5, log.getLastLogIndex());
        assertEquals("e5", payload(log.getEntry(5)));
        assertEquals(2, store.keyCount("g_a__s0"), "one entry and its first-index record");

        assertTrue(log.reset(20));
        assertEquals(20, log.getFirstLogIndex());
        assertEquals(20, log.getLastLogIndex());
        assertEquals(0, log.getTerm(20));
        assertEquals(EntryType.ENTRY_TYPE_NO_OP, log.getEntry(20).getType());
        assertThrows(IllegalArgumentException.class, () -> log.reset(0));
    }

    @Test
    void configurationEntriesAreReloadedAfterARestart() throws Exception {
        LogStorage log = group("g_a__s0");
        log.appendEntry(conf(1, 1, "127.0.0.1:1"));
        log.appendEntries(entries(2, 4, 1, "e"));
        log.appendEntries(List.of(data(5, 2, "e5"), conf(6, 2, "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3")));
        reopen();
        ConfigurationManager confs = new ConfigurationManager();
        LogStorage again = group(store, "g_a__s0", confs);
        ConfigurationEntry last = confs.getLastConfiguration();
        assertEquals(6, last.getId().getIndex());
        assertEquals(3, last.getConf().size());
        assertEquals(1, confs.get(4).getId().getIndex(), "the configuration in force at index 4");
        assertEquals(EntryType.ENTRY_TYPE_CONFIGURATION, again.getEntry(6).getType());
        assertEquals(6, again.getLastLogIndex());
    }

    @Test
    void aCrashImageOfTheDirectoryRecoversEveryAppendedEntry() throws Exception {
        LogStorage log = group("g_a__s0");
        LogStorage other = group("g_b__s0");
        log.appendEntry(conf(1, 1, "127.0.0.1:1"));
        log.appendEntries(entries(2, 50, 1, "e"));
        log.appendEntry(conf(51, 2, "127.0.0.1:1", "127.0.0.1:2"));
        other.appendEntries(entries(1, 7, 3, "o"));
        // the configuration at 1 goes with the prefix (a snapshot holds it then), the one at 51 stays
        log.truncatePrefix(10);
        // The files as they are on disk right now, with the store still open and nothing flushed: what a
        // node finds after a power cut. Every append returned after its fsync, so all of it is there.
        Path image = dir.resolve("crash-image");
        copyTree(dir.resolve("log"), image);
        try (SharedLogStore recovered = SharedLogStore.open(image)) {
            ConfigurationManager confs = new ConfigurationManager();
            LogStorage a = group(recovered, "g_a__s0", confs);
            assertEquals(10, a.getFirstLogIndex());
            assertEquals(51, a.getLastLogIndex());
            assertEquals("e50", payload(a.getEntry(50)));
            assertEquals(51, confs.getLastConfiguration().getId().getIndex());
            assertTrue(confs.get(9).isEmpty(), "no configuration entry left below the first index");
            LogStorage b = group(recovered, "g_b__s0", new ConfigurationManager());
            assertEquals(1, b.getFirstLogIndex());
            assertEquals(7, b.getLastLogIndex());
            assertEquals(3, b.getTerm(7));
        }
    }

    @Test
    void closeWithoutFlushThenReopenReplaysTheWal() throws Exception {
        LogStorage log = group("g_a__s0");
        log.appendEntries(entries(1, 100, 1, "e"));
        log.truncateSuffix(90);
        reopen();
        LogStorage again = group("g_a__s0");
        assertEquals(1, again.getFirstLogIndex());
        assertEquals(90, again.getLastLogIndex());
        assertEquals("e90", payload(again.getEntry(90)));
    }

    @Test
    void manyGroupsInterleavedFromManyThreadsStayApart() throws Exception {
        int groups = 40;
        List<LogStorage> logs = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            logs.add(group("g_i" + g + "__s0"));
        }
        // "g_i1__s0" is a prefix of "g_i1__s0x": the separator keeps their keys apart
        LogStorage prefixed = group("g_i1__s0x");
        prefixed.appendEntries(entries(1, 3, 9, "x"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                LogStorage log = logs.get(g);
                int n = 20 + g;
                String tag = "g" + g + "-";
                done.add(pool.submit(() -> {
                    for (long i = 1; i <= n; i += 2) {
                        assertEquals(2, log.appendEntries(entries(i, i + 1, 1, tag)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        logs.get(3).truncatePrefix(10);
        logs.get(4).truncateSuffix(5);
        logs.get(5).reset(7);
        reopen();
        for (int g = 0; g < groups; g++) {
            LogStorage log = group("g_i" + g + "__s0");
            int n = 20 + g;
            long last = n % 2 == 0 ? n : n + 1;
            long expectFirst = g == 3 ? 10 : g == 5 ? 7 : 1;
            long expectLast = g == 4 ? 5 : g == 5 ? 7 : last;
            assertEquals(expectFirst, log.getFirstLogIndex(), "first of group " + g);
            assertEquals(expectLast, log.getLastLogIndex(), "last of group " + g);
            assertEquals("g" + g + "-" + expectLast, payload(log.getEntry(expectLast)));
        }
        LogStorage x = group("g_i1__s0x");
        assertEquals(3, x.getLastLogIndex());
        assertEquals(9, x.getTerm(1));
    }

    @Test
    void aPurgedGroupLeavesNoKeysAndStartsEmpty() throws Exception {
        LogStorage dropped = group("g_d__s0");
        LogStorage kept = group("g_d__s1");
        dropped.appendEntry(conf(1, 1, "127.0.0.1:1"));
        dropped.appendEntries(entries(2, 30, 1, "d"));
        dropped.truncatePrefix(5);
        kept.appendEntries(entries(1, 30, 1, "k"));
        assertTrue(store.keyCount("g_d__s0") > 0);
        dropped.shutdown();

        store.purge("g_d__s0");
        assertEquals(0, store.keyCount("g_d__s0"));
        assertEquals(30, store.keyCount("g_d__s1"));
        reopen();
        assertEquals(0, store.keyCount("g_d__s0"));
        ConfigurationManager confs = new ConfigurationManager();
        LogStorage recreated = group(store, "g_d__s0", confs);
        assertEquals(1, recreated.getFirstLogIndex());
        assertEquals(0, recreated.getLastLogIndex());
        assertTrue(confs.getLastConfiguration().isEmpty());
        assertEquals("k30", payload(group("g_d__s1").getEntry(30)));
    }

    @Test
    void aClosedStoreRefusesWork() {
        LogStorage log = group("g_a__s0");
        store.close();
        assertEquals(0, log.appendEntries(entries(1, 2, 1, "e")));
        assertNull(log.getEntry(1));
        assertThrows(IllegalStateException.class, () -> store.keyCount("g_a__s0"));
        store = null;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("LOCK")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void statsCountWritesAndSyncs() {
        LogStorage log = group("g_a__s0");
        LogStoreStats before = store.stats();
        for (long i = 1; i <= 5; i++) {
            log.appendEntry(data(i, 1, "e"));
        }
        LogStoreStats after = store.stats();
        assertEquals(5, after.writes() - before.writes());
        long syncs = after.walSyncs() - before.walSyncs();
        assertTrue(syncs >= 1 && syncs <= 5, "one fsync per synced write at most, got " + syncs);
    }
}

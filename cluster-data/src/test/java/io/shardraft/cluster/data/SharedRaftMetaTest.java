package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.entity.LocalStorageOutter.StablePBMeta;
import com.alipay.sofa.jraft.storage.io.ProtoBufFile;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.log.DamagedMetaException;
import io.shardraft.cluster.log.GroupMeta;
import io.shardraft.cluster.log.SharedLogStore;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/**
 * With the shared log store each group's term and vote live in the node's RocksDB with a CRC32C: they
 * survive restarts, a flipped byte stops the group with an error naming it and the store, a
 * {@code raft_meta} file of an older version is migrated once, and a drop leaves no meta behind.
 */
class SharedRaftMetaTest {
    static final String INDEX = "meta";

    @TempDir
    Path dir;

    private InProcessCluster oneNode() {
        InProcessCluster cluster = new InProcessCluster(dir, 1, InProcessCluster.testSettings(),
                (i, s, d) -> new MemoryHostShard());
        cluster.startAll();
        cluster.createIndex(INDEX, 1);
        return cluster;
    }

    private static String group() {
        return Names.groupId(INDEX, shardName(0));
    }

    /** The term the one-node group was elected leader in (it elects itself at start). */
    private static long leaderTerm(InProcessCluster cluster) {
        cluster.awaitLeader(INDEX, shardName(0), Duration.ofSeconds(20));
        ShardStore store = cluster.store("node1", INDEX, shardName(0));
        InProcessCluster.awaitTrue(() -> store.stats().term() > 0, Duration.ofSeconds(20), () -> "no leader term");
        return store.stats().term();
    }

    private Path storeDir() {
        return dir.resolve("node1").resolve(Registry.SHARED_LOG_DIR);
    }

    /** The meta in node1's store; node1 must be stopped. */
    private GroupMeta storedMeta() throws Exception {
        try (SharedLogStore log = SharedLogStore.open(storeDir())) {
            return log.meta(group()).orElseThrow();
        }
    }

    @Test
    void restartsKeepTermAndVoteAndNoMetaFileIsWritten() throws Exception {
        try (InProcessCluster cluster = oneNode()) {
            String self = cluster.address("node1").host() + ":" + cluster.address("node1").raftPort();
            List<Long> terms = new ArrayList<>();
            terms.add(leaderTerm(cluster));
            Path shardDir = cluster.registry("node1").dataPath(INDEX, shardName(0));
            assertFalse(Files.exists(shardDir.resolve("raft").resolve("meta")), "no raft_meta file per group");
            for (int restart = 0; restart < 2; restart++) {
                cluster.stop("node1");
                GroupMeta before = storedMeta();
                assertEquals(terms.get(terms.size() - 1), before.term(), "the store holds the term the group led in");
                assertTrue(before.votedFor().startsWith(self), "the single node voted for itself: " + before.votedFor());
                cluster.start("node1");
                terms.add(leaderTerm(cluster));
            }
            // each restart elects at the next term: the term was read back, not restarted from zero
            assertEquals(List.of(terms.get(0), terms.get(0) + 1, terms.get(0) + 2), terms);
        }
    }

    @Test
    void aFlippedByteInTheStoredMetaFailsTheStartNamingTheGroupAndTheStore() throws Exception {
        try (InProcessCluster cluster = oneNode()) {
            leaderTerm(cluster);
            cluster.stop("node1");
            byte[] key = (group() + "\0").getBytes(StandardCharsets.UTF_8);
            try (MetaFamily meta = new MetaFamily(storeDir())) {
                byte[] value = meta.db.get(meta.handle, key);
                assertNotNull(value, "the group's meta record is in the store");
                value[3] ^= 0x10; // inside the term
                meta.db.put(meta.handle, key, value);
            }
            ReplicationException e = assertThrows(ReplicationException.class, () -> cluster.start("node1"));
            assertTrue(e.getMessage().contains(group()) && e.getMessage().contains(storeDir().toString())
                    && e.getMessage().contains("checksum mismatch"), e.getMessage());
            cluster.stop("node1");
        }
        // the damaged record was neither reset nor overwritten: still refused
        try (SharedLogStore log = SharedLogStore.open(storeDir())) {
            assertThrows(DamagedMetaException.class, () -> log.meta(group()));
        }
    }

    @Test
    void aRaftMetaFileOfAnOlderVersionIsMigratedOnce() throws Exception {
        try (InProcessCluster cluster = oneNode()) {
            long first = leaderTerm(cluster);
            String vote = cluster.address("node1").host() + ":" + cluster.address("node1").raftPort();
            cluster.stop("node1");
            // the layout an older version left: the meta in raft/meta/raft_meta, none in the shared store
            try (MetaFamily meta = new MetaFamily(storeDir())) {
                meta.db.delete(meta.handle, (group() + "\0").getBytes(StandardCharsets.UTF_8));
            }
            Path metaDir = cluster.dataDir("node1").resolve(INDEX).resolve(shardName(0)).resolve("raft").resolve("meta");
            Files.createDirectories(metaDir);
            long legacyTerm = first + 5;
            assertTrue(new ProtoBufFile(metaDir.resolve(RaftMetaCheck.FILE).toString())
                    .save(StablePBMeta.newBuilder().setTerm(legacyTerm).setVotedfor(vote).build(), true));

            cluster.start("node1");
            assertEquals(legacyTerm + 1, leaderTerm(cluster), "elected right after the migrated term");
            assertFalse(Files.exists(metaDir), "the migrated file is gone");
            cluster.stop("node1");
            assertEquals(legacyTerm + 1, storedMeta().term());
        }
    }

    @Test
    void droppingTheGroupPurgesItsMeta() throws Exception {
        try (InProcessCluster cluster = oneNode()) {
            leaderTerm(cluster);
            SharedLogStore log = cluster.registry("node1").sharedLogStore().orElseThrow();
            assertTrue(log.meta(group()).isPresent());
            cluster.deleteIndex(INDEX);
            assertTrue(log.meta(group()).isEmpty(), "the dropped group's meta is gone");
            assertEquals(0, log.keyCount(group()));
        }
    }

    /** The shared store's RocksDB opened directly, to damage or remove a meta record as a test would. */
    private static final class MetaFamily implements AutoCloseable {
        final DBOptions options = new DBOptions();
        final List<ColumnFamilyHandle> handles = new ArrayList<>();
        final RocksDB db;
        final ColumnFamilyHandle handle;

        MetaFamily(Path storeDir) throws Exception {
            db = RocksDB.open(options, storeDir.toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                    new ColumnFamilyDescriptor("conf".getBytes(StandardCharsets.UTF_8)),
                    new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8))), handles);
            handle = handles.get(2);
        }

        @Override
        public void close() throws Exception {
            db.syncWal();
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            options.close();
        }
    }
}

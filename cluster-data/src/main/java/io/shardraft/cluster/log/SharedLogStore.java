package io.shardraft.cluster.log;

import com.alipay.sofa.jraft.JRaftServiceFactory;
import com.google.common.base.Preconditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One RocksDB for the Raft logs of every group on this node (DESIGN rule 3), instead of JRaft's default
 * RocksDB per group. Each group sees its own JRaft {@code LogStorage} ({@link #serviceFactory}), keyed by
 * group id and log index ({@link LogKeys}).
 *
 * <p>Group commit: every group's append is one synced {@code WriteBatch}. RocksDB's write thread joins
 * the batches of all writers that arrive while a write is in progress into one write group with one WAL
 * write and one fsync, and returns to each writer only once its batch is durable, so N groups appending
 * at once cost one fsync, not N ({@link #stats()} counts both). Each append still returns only after its
 * own entries are on disk: no acknowledged entry is lost on a crash.
 *
 * <p>Memtables are not flushed on close; reopening replays the WAL, exactly as after a crash.
 */
public final class SharedLogStore implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(SharedLogStore.class);
    private static final byte[] CONF_FAMILY = "conf".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    /** Every group's Raft meta (term, vote), one {@link GroupMeta} record under the group's prefix. */
    private static final byte[] META_FAMILY = "meta".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final Statistics statistics;
    private final WriteOptions syncWrites;
    private final WriteOptions plainWrites;
    private final ReadOptions reads;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final ColumnFamilyHandle entries;
    private final ColumnFamilyHandle conf;
    private final ColumnFamilyHandle meta;
    private boolean closed;

    /** The memtable size of {@link #open(Path)}: JRaft's own for its per-group RocksDB logs. */
    public static final long DEFAULT_MEMTABLE_BYTES = 64L << 20;
    /** WAL files kept at most, in memtables: beyond, RocksDB flushes the column families pinning the oldest. */
    static final int WAL_MEMTABLES = 4;

    private SharedLogStore(Path dir, long memtableBytes) throws IOException {
        this.dir = dir;
        this.statistics = new Statistics();
        statistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
        this.dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setAvoidFlushDuringShutdown(true)
                .setMaxBackgroundJobs(2)
                // The conf and meta families take few writes: without a bound their memtables would pin
                // every WAL file written since their last flush (RocksDB's own bound is far larger).
                .setMaxTotalWalSize(WAL_MEMTABLES * memtableBytes)
                .setStatistics(statistics);
        this.cfOptions = new ColumnFamilyOptions().setWriteBufferSize(memtableBytes);
        this.syncWrites = new WriteOptions().setSync(true);
        this.plainWrites = new WriteOptions().setSync(false);
        this.reads = new ReadOptions().setTotalOrderSeek(true);
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(CONF_FAMILY, cfOptions),
                // created on first open by a version that keeps the meta here (createMissingColumnFamilies)
                new ColumnFamilyDescriptor(META_FAMILY, cfOptions));
        try {
            Files.createDirectories(dir);
            this.db = RocksDB.open(dbOptions, dir.toString(), families, handles);
        } catch (RocksDBException e) {
            closeOptions();
            throw new IOException("cannot open the shared Raft log store in " + dir + ": " + e.getMessage(), e);
        }
        this.entries = handles.get(0);
        this.conf = handles.get(1);
        this.meta = handles.get(2);
        LOG.info("opened the shared Raft log store in {}", dir);
    }

    /** Opens (or creates) the store in {@code dir} with {@link #DEFAULT_MEMTABLE_BYTES} memtables. */
    public static SharedLogStore open(Path dir) throws IOException {
        return open(dir, DEFAULT_MEMTABLE_BYTES);
    }

    /** Opens (or creates) the store in {@code dir}; at most four memtables' worth of WAL files are kept. */
    public static SharedLogStore open(Path dir, long memtableBytes) throws IOException {
        Preconditions.checkArgument(memtableBytes > 0, "memtableBytes must be positive, got %s", memtableBytes);
        return new SharedLogStore(Preconditions.checkNotNull(dir, "dir"), memtableBytes);
    }

    public Path dir() {
        return dir;
    }

    /** A JRaft service factory whose log storage is {@code groupId}'s view of this store. */
    public JRaftServiceFactory serviceFactory(String groupId) {
        return new SharedLogServiceFactory(this, groupId);
    }

    /** Deletes every entry, configuration entry, first-index record and the Raft meta of the group (a dropped group). */
    public void purge(String groupId) {
        deleteGroup(groupId, true);
        LOG.info("purged the Raft log and meta of group {} from {}", groupId, dir);
    }

    /**
     * Deletes the group's log (entries, configuration entries, first-index record) but keeps its Raft meta:
     * the group restarts with an empty log and the term and vote it had (a replica re-fetched from its peers).
     */
    public void purgeLog(String groupId) {
        deleteGroup(groupId, false);
        LOG.info("emptied the Raft log of group {} in {} (its term and vote kept)", groupId, dir);
    }

    private void deleteGroup(String groupId, boolean withMeta) {
        LogKeys keys = new LogKeys(groupId);
        run(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                batch.deleteRange(entries, keys.groupStart(), keys.groupEnd());
                batch.deleteRange(conf, keys.groupStart(), keys.groupEnd());
                if (withMeta) {
                    batch.delete(meta, keys.meta());
                }
                db.write(syncWrites, batch);
            }
            // Range tombstones hide the keys at once; compacting the range removes the bytes as well.
            db.compactRange(entries, keys.groupStart(), keys.groupEnd());
            db.compactRange(conf, keys.groupStart(), keys.groupEnd());
            return null;
        });
    }

    /** How many keys (entries, configuration entries, first-index record, Raft meta) the store holds for the group. */
    public long keyCount(String groupId) {
        LogKeys keys = new LogKeys(groupId);
        return run(() -> count(entries, keys) + count(conf, keys) + count(meta, keys));
    }

    /**
     * The group's Raft meta (term and vote) if the store has one; a record that fails its checksum or does
     * not parse is a {@link DamagedMetaException} naming the group and this store, never "no meta".
     */
    public Optional<GroupMeta> meta(String groupId) {
        LogKeys keys = new LogKeys(groupId);
        byte[] value = run(() -> db.get(meta, reads, keys.meta()));
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(GroupMeta.decode(value));
        } catch (IllegalArgumentException e) {
            throw new DamagedMetaException("the Raft meta (term and vote) of group " + groupId + " in the shared log store "
                    + dir + " is damaged (" + e.getMessage() + ")", e);
        }
    }

    /** Stores the group's Raft meta, synced (e.g. one migrated from a group's former {@code raft_meta} file). */
    public void putMeta(String groupId, GroupMeta value) {
        writeMeta(groupId, value, true);
    }

    void writeMeta(String groupId, GroupMeta value, boolean sync) {
        byte[] key = new LogKeys(groupId).meta();
        byte[] encoded = value.encode();
        run(() -> {
            db.put(meta, writes(sync), key, encoded);
            return null;
        });
    }

    private long count(ColumnFamilyHandle family, LogKeys keys) {
        long n = 0;
        try (Slice upper = new Slice(keys.groupEnd());
             ReadOptions bounded = new ReadOptions().setTotalOrderSeek(true).setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(family, bounded)) {
            for (it.seek(keys.groupStart()); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    /** Writes and WAL fsyncs since the store was opened. */
    public LogStoreStats stats() {
        return new LogStoreStats(statistics.getTickerCount(TickerType.WRITE_DONE_BY_SELF)
                + statistics.getTickerCount(TickerType.WRITE_DONE_BY_OTHER),
                statistics.getTickerCount(TickerType.WAL_FILE_SYNCED));
    }

    // ------------------------------------------------------------------- used by the per-group views

    interface DbOp<T> {
        T run() throws RocksDBException;
    }

    /** Runs {@code op} while the store is open (a closed store fails with IllegalStateException). */
    <T> T run(DbOp<T> op) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the shared Raft log store in " + dir + " is closed");
            }
            return op.run();
        } catch (RocksDBException e) {
            throw new LogStoreException("shared Raft log store in " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    RocksDB db() {
        return db;
    }

    ColumnFamilyHandle entries() {
        return entries;
    }

    ColumnFamilyHandle conf() {
        return conf;
    }

    WriteOptions writes(boolean sync) {
        return sync ? syncWrites : plainWrites;
    }

    ReadOptions reads() {
        return reads;
    }

    /** Closes the store; every group using it must have been shut down first. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                db.syncWal();
            } catch (RocksDBException e) {
                LOG.warn("syncing the WAL of {} on close failed", dir, e);
            }
            for (ColumnFamilyHandle h : handles) {
                h.close();
            }
            db.close();
            closeOptions();
            LOG.info("closed the shared Raft log store in {}", dir);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void closeOptions() {
        reads.close();
        plainWrites.close();
        syncWrites.close();
        cfOptions.close();
        dbOptions.close();
        statistics.close();
    }
}

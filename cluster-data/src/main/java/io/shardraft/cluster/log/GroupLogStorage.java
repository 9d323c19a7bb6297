package io.shardraft.cluster.log;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.conf.ConfigurationEntry;
import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.codec.LogEntryDecoder;
import com.alipay.sofa.jraft.entity.codec.LogEntryEncoder;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * One group's JRaft log storage inside the node's {@link SharedLogStore}, with the semantics of JRaft's
 * own {@code RocksDBLogStorage}: configuration entries are kept twice (with the entries and in the
 * conf column family, from which {@link #init} reloads them), the first log index is recorded when the
 * prefix is truncated, and {@link #reset} leaves exactly one entry at the next index.
 */
final class GroupLogStorage implements LogStorage {
    private static final Logger LOG = LogManager.getLogger(GroupLogStorage.class);

    private final SharedLogStore store;
    private final String groupId;
    private final LogKeys keys;
    private final boolean sync;
    private LogEntryEncoder encoder;
    private LogEntryDecoder decoder;
    private volatile long firstLogIndex = 1;
    private volatile boolean firstIndexKnown;

    GroupLogStorage(SharedLogStore store, String groupId, boolean sync) {
        this.store = store;
        this.groupId = groupId;
        this.keys = new LogKeys(groupId);
        this.sync = sync;
    }

    @Override
    public boolean init(LogStorageOptions opts) {
        this.encoder = opts.getLogEntryCodecFactory().encoder();
        this.decoder = opts.getLogEntryCodecFactory().decoder();
        try {
            load(opts.getConfigurationManager());
            return true;
        } catch (RuntimeException e) {
            LOG.error("[{}] cannot load the log from the shared store", groupId, e);
            return false;
        }
    }

    private void load(ConfigurationManager confManager) {
        Long first = store.run(() -> {
            Long recordedFirst = null;
            try (Slice upper = new Slice(keys.groupEnd());
                 ReadOptions bounded = new ReadOptions().setTotalOrderSeek(true).setIterateUpperBound(upper);
                 RocksIterator it = store.db().newIterator(store.conf(), bounded)) {
                for (it.seek(keys.groupStart()); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    if (keys.isEntry(k)) {
                        LogEntry entry = decoder.decode(it.value());
                        if (entry == null) {
                            LOG.warn("[{}] undecodable configuration entry at index {}", groupId, keys.indexOf(k));
                        } else if (entry.getType() == EntryType.ENTRY_TYPE_CONFIGURATION && confManager != null) {
                            confManager.add(confEntry(entry));
                        }
                    } else if (keys.isFirstIndex(k)) {
                        recordedFirst = ByteBuffer.wrap(it.value()).getLong();
                    }
                }
            }
            return recordedFirst;
        });
        if (first != null) {
            setFirstLogIndex(first);
            // A truncation interrupted by a crash left entries below the first index: remove them.
            deleteBelow(0, first);
        }
    }

    private static ConfigurationEntry confEntry(LogEntry entry) {
        ConfigurationEntry c = new ConfigurationEntry();
        c.setId(new LogId(entry.getId().getIndex(), entry.getId().getTerm()));
        c.setConf(new Configuration(entry.getPeers(), entry.getLearners()));
        if (entry.getOldPeers() != null) {
            c.setOldConf(new Configuration(entry.getOldPeers(), entry.getOldLearners()));
        }
        return c;
    }

    private void setFirstLogIndex(long index) {
        this.firstLogIndex = index;
        this.firstIndexKnown = true;
    }

    private void saveFirstLogIndex(long index) {
        byte[] v = ByteBuffer.allocate(Long.BYTES).putLong(index).array();
        store.run(() -> {
            store.db().put(store.conf(), store.writes(sync), keys.firstIndex(), v);
            return null;
        });
    }

    @Override
    public void shutdown() {
        // The store is the node's; a group only stops using its keys.
    }

    @Override
    public long getFirstLogIndex() {
        if (firstIndexKnown) {
            return firstLogIndex;
        }
        Long first = store.run(() -> {
            try (Slice upper = new Slice(keys.groupEnd());
                 ReadOptions bounded = new ReadOptions().setTotalOrderSeek(true).setIterateUpperBound(upper);
                 RocksIterator it = store.db().newIterator(store.entries(), bounded)) {
                it.seek(keys.entry(0));
                return it.isValid() && keys.isEntry(it.key()) ? keys.indexOf(it.key()) : null;
            }
        });
        if (first == null) {
            return 1L;
        }
        saveFirstLogIndex(first);
        setFirstLogIndex(first);
        return first;
    }

    @Override
    public long getLastLogIndex() {
        return store.run(() -> {
            try (Slice lower = new Slice(keys.groupStart());
                 ReadOptions bounded = new ReadOptions().setTotalOrderSeek(true).setIterateLowerBound(lower);
                 RocksIterator it = store.db().newIterator(store.entries(), bounded)) {
                it.seekForPrev(keys.entry(Long.MAX_VALUE));
                return it.isValid() && keys.isEntry(it.key()) ? keys.indexOf(it.key()) : 0L;
            }
        });
    }

    @Override
    public LogEntry getEntry(long index) {
        if (firstIndexKnown && index < firstLogIndex) {
            return null;
        }
        try {
            byte[] bytes = store.run(() -> store.db().get(store.entries(), store.reads(), keys.entry(index)));
            if (bytes == null) {
                return null;
            }
            LogEntry entry = decoder.decode(bytes);
            if (entry == null) {
                LOG.error("[{}] bad log entry format at index {}", groupId, index);
            }
            return entry;
        } catch (RuntimeException e) {
            LOG.error("[{}] cannot read log entry {}", groupId, index, e);
            return null;
        }
    }

    @Override
    @Deprecated
    public long getTerm(long index) {
        LogEntry entry = getEntry(index);
        return entry == null ? 0 : entry.getId().getTerm();
    }

    @Override
    public boolean appendEntry(LogEntry entry) {
        return appendEntries(List.of(entry)) == 1;
    }

    @Override
    public int appendEntries(List<LogEntry> entries) {
        if (entries == null || entries.isEmpty()) {
            return 0;
        }
        try {
            store.run(() -> {
                try (WriteBatch batch = new WriteBatch()) {
                    for (LogEntry e : entries) {
                        byte[] k = keys.entry(e.getId().getIndex());
                        byte[] v = encoder.encode(e);
                        batch.put(store.entries(), k, v);
                        if (e.getType() == EntryType.ENTRY_TYPE_CONFIGURATION) {
                            batch.put(store.conf(), k, v);
                        }
                    }
                    // Synced: returns once the entries are durable (joined with other groups' writes).
                    store.db().write(store.writes(sync), batch);
                }
                return null;
            });
            return entries.size();
        } catch (RuntimeException e) {
            LOG.error("[{}] cannot append {} log entries", groupId, entries.size(), e);
            return 0;
        }
    }

    @Override
    public boolean truncatePrefix(long firstIndexKept) {
        try {
            long start = getFirstLogIndex();
            saveFirstLogIndex(firstIndexKept);
            setFirstLogIndex(firstIndexKept);
            deleteBelow(start, firstIndexKept);
            return true;
        } catch (RuntimeException e) {
            LOG.error("[{}] cannot truncate the log prefix before {}", groupId, firstIndexKept, e);
            return false;
        }
    }

    /** Removes entries in [from, to) (once the first index says they are gone, so no sync is needed). */
    private void deleteBelow(long from, long to) {
        if (from >= to) {
            return;
        }
        store.run(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                batch.deleteRange(store.entries(), keys.entry(from), keys.entry(to));
                batch.deleteRange(store.conf(), keys.entry(from), keys.entry(to));
                store.db().write(store.writes(false), batch);
            }
            return null;
        });
    }

    @Override
    public boolean truncateSuffix(long lastIndexKept) {
        try {
            long last = getLastLogIndex();
            if (last <= lastIndexKept) {
                return true;
            }
            store.run(() -> {
                try (WriteBatch batch = new WriteBatch()) {
                    batch.deleteRange(store.entries(), keys.entry(lastIndexKept + 1), keys.entry(last + 1));
                    batch.deleteRange(store.conf(), keys.entry(lastIndexKept + 1), keys.entry(last + 1));
                    store.db().write(store.writes(sync), batch);
                }
                return null;
            });
            return true;
        } catch (RuntimeException e) {
            LOG.error("[{}] cannot truncate the log after {}", groupId, lastIndexKept, e);
            return false;
        }
    }

    @Override
    public boolean reset(long nextLogIndex) {
        if (nextLogIndex <= 0) {
            throw new IllegalArgumentException("Invalid next log index: " + nextLogIndex);
        }
        try {
            LogEntry entry = getEntry(nextLogIndex);
            store.run(() -> {
                try (WriteBatch batch = new WriteBatch()) {
                    batch.deleteRange(store.entries(), keys.groupStart(), keys.groupEnd());
                    batch.deleteRange(store.conf(), keys.groupStart(), keys.groupEnd());
                    store.db().write(store.writes(sync), batch);
                }
                return null;
            });
            this.firstIndexKnown = false;
            this.firstLogIndex = 1;
            if (entry == null) {
                entry = new LogEntry();
                entry.setType(EntryType.ENTRY_TYPE_NO_OP);
                entry.setId(new LogId(nextLogIndex, 0));
                LOG.warn("[{}] no entry at next log index {} when resetting the log", groupId, nextLogIndex);
            }
            return appendEntry(entry);
        } catch (RuntimeException e) {
            LOG.error("[{}] cannot reset the log to next index {}", groupId, nextLogIndex, e);
            return false;
        }
    }

    @Override
    public String toString() {
        return "GroupLogStorage[" + groupId + " in " + store.dir() + "]";
    }
}

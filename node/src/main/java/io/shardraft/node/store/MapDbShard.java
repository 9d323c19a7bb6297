package io.shardraft.node.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.base.Preconditions;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.primitives.Floats;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.spi.HostShard;
import io.shardraft.cluster.spi.LoggedCommand;
import io.shardraft.cluster.spi.SnapshotSave;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The reference host shard: objects with JSON properties and an optional vector in one MapDB file per
 * replica ({@code dir/objects.db}).
 *
 * <p>Writes come only through {@link #applyBatch} (from the Raft state-machine thread). A batch of committed
 * entries is applied under the write lock together with the applied log index, so readers see all of it or
 * none of it; entries at or below the applied index are recognized and skipped (a replay). Apply is
 * deterministic: times come from {@link Command#getProposedAtMillis()}, versions are log indexes. What makes the
 * applied entries durable is the {@link MapDbShardConfig.Durability}: a MapDB commit after every batch (the file is
 * the only copy), or, for a replicated shard, nothing until close, because a file not closed cleanly is rebuilt
 * from the Raft group's snapshot and log (see {@link #OPEN_MARKER}).
 *
 * <p>If storage fails during an apply, the exception is rethrown and every later apply and read refused (the shard
 * would otherwise skip that entry and diverge from its peers, and readers would see it go back in time or half
 * applied) until a snapshot is loaded or the shard is rebuilt. With transactions the batch is rolled back to the
 * last commit first; without, the open marker stays, so the next start rebuilds the replica.
 *
 * <p>Reads may come from any thread. MapDB is not isolated, so a read-write lock keeps readers out while an apply
 * (or snapshot load) is between its first write and its last.
 */
public final class MapDbShard implements HostShard {

    private static final Logger LOG = LogManager.getLogger(MapDbShard.class);

    /** The MapDB file inside the shard directory. */
    public static final String DB_FILE = "objects.db";

    /**
     * Present while the shard is open (created at open, removed by a clean close): found at open, it says the last
     * process did not close the file. MapDB 3.1.0's write-ahead log does not make that safe: SIGKILLed while
     * committing, a reopened file was seen holding one batch for some objects and the previous one for others under
     * the later applied index ({@code MapDbShardCrashTest}). A replicated shard found so is rebuilt from its Raft
     * group instead (see {@code HostDatabase}).
     */
    public static final String OPEN_MARKER = "objects.db.open";

    private static final String OBJECTS = "objects";
    private static final String LAST_APPLIED = "lastAppliedIndex";
    private static final String DIMENSIONS = "dimensions";

    private final String name;
    private final Path dir;
    private final IndexSchema schema;
    private final ObjectValidator validator;
    private final MapDbShardConfig config;
    // replaced together (under the write lock) when a snapshot is bulk-loaded into a fresh file
    private DB db;
    private BTreeMap<String, byte[]> objects;
    private Atomic.Long lastApplied;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** {@link MapDbShardConfig#transactional()}: every commit() call site is guarded by it. */
    private final boolean transactional;
    private volatile long lastAppliedIndex;
    private volatile long durableAppliedIndex;
    /** Applied writes not yet committed or synced (written under the write lock). */
    private volatile boolean dirty;
    private boolean closed;
    /** Set when storage failed during an apply; later applies refuse rather than skip an entry. */
    private volatile RuntimeException broken;
    /** The snapshot being written while applies go on ({@link #startSnapshot}), or null; guarded by {@link #lock}. */
    private SnapshotCut cut;
    /** Objects an asynchronous snapshot reads per hold of the read lock: applies wait for at most one such chunk. */
    static final int SNAPSHOT_CHUNK = 1024;
    /**
     * The most heap a snapshot being written may hold in values of objects written meanwhile: past it, the next apply
     * waits until the snapshot is written (as every apply did before snapshots were written beside them), so heavy
     * overwrites during a long snapshot cannot grow the heap without bound.
     */
    static final long SNAPSHOT_CUT_MAX_BYTES = 64L << 20;
    /** {@link #SNAPSHOT_CUT_MAX_BYTES}, lowered by tests. */
    volatile long cutMaxBytes = SNAPSHOT_CUT_MAX_BYTES;
    /** Signalled (under the write lock) when a snapshot being written ends: applies held back by its size go on. */
    private final Condition cutEnded = lock.writeLock().newCondition();

    private MapDbShard(String name, Path dir, IndexSchema schema, DB db, MapDbShardConfig config) {
        this.name = name;
        this.dir = dir;
        this.config = config;
        this.transactional = config.transactional();
        this.schema = schema;
        this.validator = new ObjectValidator(schema);
        this.db = db;
        this.objects = objectsMap(db).createOrOpen();
        this.lastApplied = db.atomicLong(LAST_APPLIED).createOrOpen();
        this.lastAppliedIndex = lastApplied.get();
        this.durableAppliedIndex = lastAppliedIndex;
    }

    /** {@link #open(String, Path, IndexSchema, MapDbShardConfig)} with {@link MapDbShardConfig#DEFAULT}. */
    public static MapDbShard open(String name, Path dir, IndexSchema schema) throws IOException {
        return open(name, dir, schema, MapDbShardConfig.DEFAULT);
    }

    /**
     * Opens (or creates) the shard replica kept in {@code dir}.
     *
     * @param name for log messages, e.g. {@code index/shard-0}
     * @throws IOException if the file cannot be opened or was created for a different vector length
     */
    public static MapDbShard open(String name, Path dir, IndexSchema schema, MapDbShardConfig config)
            throws IOException {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(config, "config");
        Files.createDirectories(dir);
        Path file = dir.resolve(DB_FILE);
        DB db = makeDb(file, config);
        try {
            Atomic.Integer dims = db.atomicInteger(DIMENSIONS).createOrOpen();
            if (dims.get() == 0) {
                dims.set(schema.dimensions());
            } else if (dims.get() != schema.dimensions()) {
                throw new IOException("shard file " + file + " holds " + dims.get()
                        + "-dimensional vectors, the schema of index " + schema.name() + " says "
                        + schema.dimensions());
            }
            MapDbShard shard = new MapDbShard(name, dir, schema, db, config);
            shard.verify(file);
            if (shard.transactional) {
                db.commit(); // a new file's dimensions; without transactions they are written already
            }
            markOpen(dir);
            LOG.info("{}: opened {} ({} objects, last applied index {})",
                    name, file, shard.objects.sizeLong(), shard.lastAppliedIndex);
            return shard;
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static DB makeDb(Path file, MapDbShardConfig config) throws IOException {
        try {
            DBMaker.Maker maker = DBMaker.fileDB(file.toFile());
            if (config.transactional()) {
                maker = maker.transactionEnable();
            }
            maker = switch (config.volume()) {
                case MMAP -> {
                    DBMaker.Maker mmap = maker.fileMmapEnableIfSupported().cleanerHackEnable();
                    // without transactions the file is a cache of the group's snapshot and log: new space is not
                    // written with zeros first (MapDbShardConfig.REPLICATED says why that is safe and what it saves)
                    yield config.transactional() ? mmap : mmap.fileMmapPreclearDisable();
                }
                case FILE_CHANNEL -> maker.fileChannelEnable();
            };
            return maker.make();
        } catch (DBException e) {
            throw new IOException("cannot open shard file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Keys: {@link ObjectIdKeys} for a new file; a file created with MapDB's {@code STRING} keys keeps them. */
    private static DB.TreeMapMaker<String, byte[]> objectsMap(DB db) {
        return db.treeMap(OBJECTS, ObjectIdKeys.INSTANCE, Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable()
                .counterEnable();
    }

    /** Whether the shard in {@code dir} was closed by {@link #close()} (or never opened): see {@link #OPEN_MARKER}. */
    public static boolean closedCleanly(Path dir) {
        return !Files.exists(dir.resolve(OPEN_MARKER));
    }

    private static void markOpen(Path dir) throws IOException {
        Path marker = dir.resolve(OPEN_MARKER);
        if (!Files.exists(marker)) {
            Files.createFile(marker);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the marker's directory entry is durable before any write it guards
            }
        }
    }

    public IndexSchema schema() {
        return schema;
    }

    /**
     * The verification pass at open: every record's checksum (see {@link ObjectCodec}) and the object count.
     * MapDB itself notices a damaged header or write-ahead log, not a damaged record; this pass does, before
     * the replica serves anything (cost: one sequential read of the objects).
     *
     * @throws IOException naming the file and the first damaged object
     */
    private void verify(Path file) throws IOException {
        long seen = 0;
        String key = null;
        try {
            for (Map.Entry<String, byte[]> e : objects.entrySet()) {
                key = e.getKey();
                StoredObject o = ObjectCodec.decode(key, e.getValue());
                if (o.vector() != null && o.vector().length != schema.dimensions()) {
                    throw new IllegalArgumentException("vector of " + o.vector().length + " dimensions");
                }
                seen++;
            }
        } catch (RuntimeException e) {
            throw new IOException("shard file " + file + " is corrupted" + (key == null ? "" : " at object " + key)
                    + ": " + e.getMessage(), e);
        }
        if (seen != objects.sizeLong()) {
            throw new IOException("shard file " + file + " is corrupted: it counts " + objects.sizeLong()
                    + " objects but holds " + seen);
        }
    }

    // ------------------------------------------------------------------------------------------ apply

    @Override
    public CommandResult apply(long logIndex, Command command) {
        return applyBatch(List.of(new LoggedCommand(logIndex, command))).get(0);
    }

    @Override
    public boolean appliesBundles() {
        return true;
    }

    /**
     * Validates and normalizes a command from another node as {@link io.shardraft.node.db.ObjectIndex} does for a
     * client's write, and marks it admitted, so that no replica checks it again at apply. Needs only the schema, so
     * it runs on any thread, beside apply.
     */
    @Override
    public Command admit(Command command) {
        return validator.validate(command);
    }

    /**
     * Applies the commands with the index of the last one, and commits them in one MapDB transaction if the shard
     * is transactional; readers (held out by the write lock) see all of it or none of it. Entries at or below the
     * applied index the call starts with are skipped (a replay); the commands of a bundle share one index.
     */
    @Override
    public List<CommandResult> applyBatch(List<LoggedCommand> commands) {
        Lock w = lock.writeLock();
        w.lock();
        try {
            while (cut != null && cut.recordedBytes() > cutMaxBytes) {
                cutEnded.awaitUninterruptibly(); // releases the write lock: the snapshot's reads go on
            }
            ensureOpen();
            if (broken != null) {
                throw new IllegalStateException("shard " + name + " is broken: applying an entry after "
                        + lastAppliedIndex + " failed; reopen it or load a snapshot", broken);
            }
            List<CommandResult> results = new ArrayList<>(commands.size());
            long start = lastAppliedIndex;
            long applied = start;
            try {
                for (LoggedCommand c : commands) {
                    long logIndex = c.logIndex();
                    Preconditions.checkArgument(logIndex > 0, "logIndex must be > 0, got %s", logIndex);
                    CommandResult.Builder result = CommandResult.newBuilder().setLogIndex(logIndex);
                    if (logIndex <= start) {
                        LOG.debug("{}: skipping entry {} (already applied up to {})", name, logIndex, start);
                    } else {
                        applyOp(logIndex, c.command(), result);
                        applied = logIndex;
                    }
                    results.add(result.build());
                }
                if (applied != lastAppliedIndex) {
                    lastApplied.set(applied);
                    dirty = true;
                    if (transactional) {
                        commit();
                    }
                }
            } catch (RuntimeException | Error e) {
                // Error too: an mmap write past a full disk surfaces as InternalError, with the batch half written
                LOG.error("{}: storage failed applying entries {}..{}; {}, refusing further applies and reads", name,
                        commands.get(0).logIndex(), commands.get(commands.size() - 1).logIndex(), transactional
                                ? "rolled back to index " + durableAppliedIndex
                                : "the replica is rebuilt from its Raft group at the next start", e);
                // Applying the next entry would skip these and diverge from the other replicas.
                breakOn(e);
                throw broken; // an Error as an IllegalStateException: the state machine stops this replica
            }
            lastAppliedIndex = applied;
            return results;
        } finally {
            w.unlock();
        }
    }

    /**
     * An admitted command ({@link Command#getAdmitted()}) was validated and normalized before it was proposed, by
     * this same validator: its items are applied as they are, without checking them again on every replica (for a
     * put, a JSON parse and rewrite of its properties). Any other command's items are checked here, and one that
     * fails is {@code ITEM_REJECTED}; both ways give every replica the same state.
     */
    private void applyOp(long index, Command command, CommandResult.Builder result) {
        long now = command.getProposedAtMillis();
        boolean admitted = command.getAdmitted();
        switch (command.getOpCase()) {
            case PUT -> result.addItems(applyPut(index, now, command.getPut(), admitted, "put", -1));
            case MERGE -> result.addItems(applyMerge(index, now, command.getMerge(), admitted, "merge"));
            case DELETE -> result.addItems(applyDelete(command.getDelete(), admitted, "delete", -1));
            case PUT_BATCH -> {
                List<PutObject> puts = command.getPutBatch().getPutsList();
                for (int i = 0; i < puts.size(); i++) {
                    result.addItems(applyPut(index, now, puts.get(i), admitted, "puts", i));
                }
            }
            case DELETE_BATCH -> {
                List<DeleteObject> deletes = command.getDeleteBatch().getDeletesList();
                for (int i = 0; i < deletes.size(); i++) {
                    result.addItems(applyDelete(deletes.get(i), admitted, "deletes", i));
                }
            }
            case OP_NOT_SET -> result.addItems(item("", ItemStatus.ITEM_REJECTED, "op: command has no operation", 0));
            // e.g. a bundle: it reaches a shard as its commands, never as itself
            default -> result.addItems(item("", ItemStatus.ITEM_REJECTED, "op: a shard does not apply "
                    + command.getOpCase(), 0));
        }
    }

    /**
     * The path an item's error names: {@code field}, or {@code field[item]} for an item of a batch ({@code item} >= 0).
     * Built only for an item checked here, not for every item of an admitted batch.
     */
    private static String path(String field, int item) {
        return item < 0 ? field : field + "[" + item + "]";
    }

    /** A vector's values, read without boxing each one (as {@code Floats.toArray(getValuesList())} does). */
    private static float[] values(Vector vector) {
        float[] values = new float[vector.getValuesCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = vector.getValues(i);
        }
        return values;
    }

    private ItemResult applyPut(long index, long now, PutObject raw, boolean admitted, String field, int item) {
        PutObject put;
        try {
            put = admitted ? raw : validator.checkPut(raw, path(field, item));
        } catch (ObjectValidationException e) {
            return item(raw.getObject().getId(), ItemStatus.ITEM_REJECTED, e.getMessage(), 0);
        }
        ObjectData data = put.getObject();
        String id = data.getId();
        float[] vector = data.hasVector() ? values(data.getVector()) : null;
        if (put.hasExpectedVersion()) {
            StoredObject previous = load(id);
            ItemResult conflict = conflict(id, put.getExpectedVersion(), previous);
            if (conflict != null) {
                return conflict;
            }
            long createdAt = previous == null ? now : previous.createdAtMillis();
            store(new StoredObject(id, data.getPropertiesJson(), vector, index, createdAt, now));
        } else {
            // One walk down the tree for a new object (an import's usual case), where a lookup then a put took two.
            // An object already there keeps its creation time: written again with it.
            byte[] existing = objects.putIfAbsent(id,
                    ObjectCodec.encode(new StoredObject(id, data.getPropertiesJson(), vector, index, now, now)));
            if (existing == null) {
                written(id, null);
            } else {
                long createdAt = ObjectCodec.decode(id, existing).createdAtMillis();
                store(new StoredObject(id, data.getPropertiesJson(), vector, index, createdAt, now));
            }
        }
        return item(id, ItemStatus.ITEM_OK, "", index);
    }

    private ItemResult applyMerge(long index, long now, MergeObject raw, boolean admitted, String path) {
        MergeObject merge;
        try {
            merge = admitted ? raw : validator.checkMerge(raw, path);
        } catch (ObjectValidationException e) {
            return item(raw.getId(), ItemStatus.ITEM_REJECTED, e.getMessage(), 0);
        }
        String id = merge.getId();
        StoredObject previous = load(id);
        if (merge.hasExpectedVersion()) {
            ItemResult conflict = conflict(id, merge.getExpectedVersion(), previous);
            if (conflict != null) {
                return conflict;
            }
        }
        if (previous == null) {
            return item(id, ItemStatus.ITEM_NOT_FOUND, "object " + id + " does not exist", 0);
        }
        String properties = previous.propertiesJson();
        if (merge.hasPropertiesJson()) {
            JsonNode patch;
            try {
                patch = Json.parse(merge.getPropertiesJson());
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("validated patch failed to parse", e);
            }
            properties = Json.normalize(JsonMergePatch.apply(Json.parseStoredObject(properties), patch));
        }
        float[] vector = merge.hasVector() ? values(merge.getVector()) : previous.vector();
        ObjectData.Builder merged = ObjectData.newBuilder().setId(id).setPropertiesJson(properties);
        if (vector != null) {
            merged.setVector(Vector.newBuilder().addAllValues(Floats.asList(vector)));
        }
        try {
            validator.checkSize(merged.build(), path);
        } catch (ObjectValidationException e) {
            return item(id, ItemStatus.ITEM_REJECTED, e.getMessage(), previous.version());
        }
        store(new StoredObject(id, properties, vector, index, previous.createdAtMillis(), now));
        return item(id, ItemStatus.ITEM_OK, "", index);
    }

    private ItemResult applyDelete(DeleteObject raw, boolean admitted, String field, int item) {
        DeleteObject delete;
        try {
            delete = admitted ? raw : validator.checkDelete(raw, path(field, item));
        } catch (ObjectValidationException e) {
            return item(raw.getId(), ItemStatus.ITEM_REJECTED, e.getMessage(), 0);
        }
        String id = delete.getId();
        boolean existed;
        if (delete.hasExpectedVersion()) {
            StoredObject previous = load(id);
            ItemResult conflict = conflict(id, delete.getExpectedVersion(), previous);
            if (conflict != null) {
                return conflict;
            }
            existed = previous != null && removed(id);
        } else {
            existed = removed(id); // one walk down the tree
        }
        if (!existed) {
            return item(id, ItemStatus.ITEM_NOT_FOUND, "object " + id + " does not exist", 0);
        }
        return item(id, ItemStatus.ITEM_OK, "", 0);
    }

    /**
     * A CONFLICT result if {@code expected} differs from the stored version (0 = absent), else null. The
     * result's version is the stored one, so a client can retry with it.
     */
    private static ItemResult conflict(String id, long expected, StoredObject previous) {
        long actual = previous == null ? 0 : previous.version();
        if (expected == actual) {
            return null;
        }
        String message = expected == 0
                ? "expected object " + id + " not to exist (version 0), but its version is " + actual
                : "expected version " + expected + " of object " + id + ", but the stored version is " + actual
                        + (actual == 0 ? " (it does not exist)" : "");
        return item(id, ItemStatus.ITEM_CONFLICT, message, actual);
    }

    private static ItemResult item(String id, ItemStatus status, String message, long version) {
        return ItemResult.newBuilder().setId(id).setStatus(status).setMessage(message).setVersion(version).build();
    }

    private StoredObject load(String id) {
        byte[] value = objects.get(id);
        return value == null ? null : ObjectCodec.decode(id, value);
    }

    private void store(StoredObject object) {
        written(object.id(), objects.put(object.id(), ObjectCodec.encode(object)));
    }

    /** Removes object {@code id}; whether it existed. */
    private boolean removed(String id) {
        byte[] previous = objects.remove(id);
        if (previous != null) {
            written(id, previous);
        }
        return previous != null;
    }

    /** Every write of an object tells a snapshot being written what the object held before (caller holds the write lock). */
    private void written(String id, byte[] previous) {
        if (cut != null) {
            cut.written(id, previous);
        }
    }

    /** Gives up the snapshot being written, if any, because the state it reads is being replaced or lost (write lock held). */
    private void abandonCut(String why) {
        if (cut != null) {
            cut.abandon(why);
            LOG.info("{}: gave up the snapshot at index {} being written: {}", name, cut.index(), why);
            cut = null;
            cutEnded.signalAll();
        }
    }

    /**
     * Storage failed: roll back to the last commit (transactional) and refuse every later apply and read (caller
     * holds the write lock). Without transactions nothing can be rolled
     * back: the open marker stays (see {@link #close()}), so the next start rebuilds the replica.
     */
    private void breakOn(Throwable e) {
        if (transactional) {
            try {
                db.rollback();
            } catch (RuntimeException r) {
                e.addSuppressed(r);
            }
            dirty = false;
            lastAppliedIndex = durableAppliedIndex;
        }
        broken = e instanceof RuntimeException r ? r
                : new IllegalStateException("storage of shard " + name + " failed: " + e, e);
        abandonCut("an apply failed half way"); // its write may have changed the tree without telling the cut
    }

    /**
     * MapDB commit of everything applied, forcing the write-ahead log and the file (transactional shards only; caller
     * holds the write lock).
     */
    private void commit() {
        db.commit();
        dirty = false;
        durableAppliedIndex = lastApplied.get();
    }

    /** The index of the last entry applied and visible to readers (durable up to {@link #durableAppliedIndex}). */
    @Override
    public long lastAppliedIndex() {
        return lastAppliedIndex;
    }

    /** The applied index of the last MapDB commit (without transactions: of the open or the last snapshot load). */
    public long durableAppliedIndex() {
        return durableAppliedIndex;
    }

    // ------------------------------------------------------------------------------------------ reads

    /** The object with {@code id} (a UUID in any case), if present. */
    public Optional<StoredObject> get(String id) {
        String key = id.toLowerCase(Locale.ROOT);
        return read(() -> Optional.ofNullable(load(key)));
    }

    public boolean exists(String id) {
        String key = id.toLowerCase(Locale.ROOT);
        return read(() -> objects.containsKey(key));
    }

    public long count() {
        return read(objects::sizeLong);
    }

    /**
     * Up to {@code limit} objects in id order, starting after {@code afterId} (exclusive); from the
     * first object when {@code afterId} is null or empty. Page on with the last id returned.
     */
    public List<StoredObject> scan(String afterId, int limit) {
        Preconditions.checkArgument(limit > 0, "limit must be > 0, got %s", limit);
        return read(() -> {
            Map<String, byte[]> range = afterId == null || afterId.isEmpty()
                    ? objects
                    : objects.tailMap(afterId.toLowerCase(Locale.ROOT), false);
            List<StoredObject> page = new ArrayList<>(Math.min(limit, 1024));
            for (Iterator<Map.Entry<String, byte[]>> it = range.entrySet().iterator();
                    it.hasNext() && page.size() < limit; ) {
                Map.Entry<String, byte[]> e = it.next();
                page.add(ObjectCodec.decode(e.getKey(), e.getValue()));
            }
            return page;
        });
    }

    /** {@link #search(float[], int, Distance, Optional)} with the schema's distance and no filter. */
    public List<SearchHit> search(float[] query, int k) {
        return search(query, k, schema.distance(), Optional.empty());
    }

    /**
     * The exact {@code k} nearest objects to {@code query} (brute force over every object with a vector
     * that passes {@code filter}), sorted by distance then id.
     *
     * @throws IllegalArgumentException if {@code k < 1} or the query has the wrong length
     */
    public List<SearchHit> search(float[] query, int k, Distance distance, Optional<PropertyFilter> filter) {
        Preconditions.checkArgument(k > 0, "k must be > 0, got %s", k);
        Preconditions.checkArgument(query.length == schema.dimensions(),
                "query has %s dimensions, index %s has %s", query.length, schema.name(), schema.dimensions());
        Objects.requireNonNull(distance, "distance");
        PropertyFilter f = filter.orElse(null);
        return read(() -> {
            PriorityQueue<SearchHit> worstFirst = new PriorityQueue<>(k + 1, SearchHit.ORDER.reversed());
            for (Map.Entry<String, byte[]> e : objects.entrySet()) {
                StoredObject o = ObjectCodec.decode(e.getKey(), e.getValue());
                if (o.vector() == null || (f != null && !f.matches(Json.parseStoredObject(o.propertiesJson())))) {
                    continue;
                }
                SearchHit hit = new SearchHit(o.id(), distance.distance(query, o.vector()), o);
                if (worstFirst.size() < k) {
                    worstFirst.add(hit);
                } else if (SearchHit.ORDER.compare(hit, worstFirst.peek()) < 0) {
                    worstFirst.poll();
                    worstFirst.add(hit);
                }
            }
            List<SearchHit> hits = new ArrayList<>(worstFirst);
            hits.sort(SearchHit.ORDER);
            return hits;
        });
    }

    /**
     * SHA-256 (hex) over every object in id order: id, version, properties, vector, created and updated
     * times. Nothing node-local (not even the applied index) goes in, so replicas with equal content
     * agree however they got there (replay or snapshot).
     */
    @Override
    public String checksum() {
        return read(() -> {
            Hasher h = Hashing.sha256().newHasher();
            for (Map.Entry<String, byte[]> e : objects.entrySet()) {
                StoredObject o = ObjectCodec.decode(e.getKey(), e.getValue());
                byte[] id = o.id().getBytes(StandardCharsets.UTF_8);
                byte[] props = o.propertiesJson().getBytes(StandardCharsets.UTF_8);
                h.putInt(id.length).putBytes(id)
                        .putLong(o.version())
                        .putInt(props.length).putBytes(props);
                if (o.vector() == null) {
                    h.putInt(-1);
                } else {
                    h.putInt(o.vector().length);
                    for (float v : o.vector()) {
                        h.putInt(Float.floatToIntBits(v));
                    }
                }
                h.putLong(o.createdAtMillis()).putLong(o.updatedAtMillis());
            }
            return h.hash().toString();
        });
    }

    private <T> T read(Supplier<T> body) {
        Lock r = lock.readLock();
        r.lock();
        try {
            ensureOpen();
            if (broken != null) {
                throw new IllegalStateException("shard " + name + " is broken: applying an entry after "
                        + lastAppliedIndex + " failed; it serves nothing until it is reopened or loads a snapshot",
                        broken);
            }
            return body.get();
        } finally {
            r.unlock();
        }
    }

    // -------------------------------------------------------------------------------------- snapshots

    /**
     * Writes {@code dir/objects.snap} (see {@link SnapshotFile}) from the applied state (committed first when
     * transactional); reads go on meanwhile, applies wait.
     */
    @Override
    public void saveSnapshot(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(SnapshotFile.FILE_NAME);
        lock.writeLock().lock();
        try {
            ensureSnapshotable();
            if (transactional) {
                commit();
            }
            lock.readLock().lock(); // downgrade: applies wait, readers proceed
        } finally {
            lock.writeLock().unlock();
        }
        try {
            long index = lastAppliedIndex;
            long count = objects.sizeLong();
            SnapshotFile.write(file, index, count, objects.entrySet().iterator());
            LOG.info("{}: saved snapshot {} ({} objects, last applied index {})", name, file, count, index);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * A replicated shard's snapshot does not hold up its applies: here, under the write lock, it only notes the applied
     * index and object count and starts recording the value each object had before its next write
     * ({@link SnapshotCut}); {@link SnapshotSave#write} then writes the live tree merged with those values, a chunk of
     * {@link #SNAPSHOT_CHUNK} objects per hold of the read lock, so applies wait for one chunk at most instead of the
     * whole file (seconds for a shard of a few hundred thousand objects); past {@link #SNAPSHOT_CUT_MAX_BYTES} of
     * recorded values, applies wait for the rest of the snapshot. A transactional shard writes it here
     * ({@link #saveSnapshot}). The snapshot is given up (write fails) if the shard is closed, a snapshot is loaded or an
     * apply breaks it meanwhile.
     */
    @Override
    public SnapshotSave startSnapshot(Path dir) throws IOException {
        if (transactional) {
            return HostShard.super.startSnapshot(dir); // written here, as every host's default
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(SnapshotFile.FILE_NAME);
        SnapshotCut started;
        lock.writeLock().lock();
        try {
            ensureSnapshotable();
            if (cut != null) {
                throw new IOException("shard " + name + " is writing a snapshot at index " + cut.index() + " already");
            }
            started = new SnapshotCut(lastAppliedIndex, objects.sizeLong(), objects.comparator());
            cut = started;
        } finally {
            lock.writeLock().unlock();
        }
        return new SnapshotSave() {
            @Override
            public void write() throws IOException {
                try {
                    SnapshotFile.write(file, started.index(), started.count(), new CutReader(started));
                    LOG.info("{}: saved snapshot {} ({} objects, last applied index {}; {} written meanwhile)", name,
                            file, started.count(), started.index(), started.recorded());
                } finally {
                    end(started);
                }
            }

            @Override
            public void abandon() {
                end(started);
            }
        };
    }

    /** A snapshot is taken only of an open shard whose applies did not fail (caller holds the write lock). */
    private void ensureSnapshotable() throws IOException {
        ensureOpen();
        if (broken != null) {
            throw new IOException("shard " + name + " is broken (an apply failed); no snapshot of it", broken);
        }
    }

    /** The snapshot of {@code finished} is written or given up: writes stop recording for it. */
    private void end(SnapshotCut finished) {
        lock.writeLock().lock();
        try {
            if (cut == finished) {
                cut = null;
                cutEnded.signalAll();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Reads the state at a cut, a chunk at a time under the read lock. */
    private final class CutReader implements Iterator<Map.Entry<String, byte[]>> {
        private final SnapshotCut reading;
        private List<Map.Entry<String, byte[]>> chunk = List.of();
        private int next;
        private String last;
        private boolean done;

        CutReader(SnapshotCut cut) {
            this.reading = cut;
        }

        @Override
        public boolean hasNext() {
            if (next < chunk.size()) {
                return true;
            }
            if (done) {
                return false;
            }
            lock.readLock().lock();
            try {
                if (reading.abandoned() != null) {
                    throw new IllegalStateException("snapshot of " + name + " at index " + reading.index()
                            + " given up: " + reading.abandoned());
                }
                chunk = reading.next(objects, last, SNAPSHOT_CHUNK);
            } finally {
                lock.readLock().unlock();
            }
            next = 0;
            if (chunk.isEmpty()) {
                done = true;
                return false;
            }
            last = chunk.get(chunk.size() - 1).getKey();
            return true;
        }

        @Override
        public Map.Entry<String, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return chunk.get(next++);
        }
    }

    /**
     * Verifies {@code dir/objects.snap} completely (every object, ids strictly ascending), then replaces all content
     * with it. Transactional: clear, import and set the applied index in one commit; a failure rolls back to the
     * previous content. Without transactions: a fresh file is built bottom-up from the sorted snapshot (MapDB's
     * {@code createFromSink}, no tree walk per object) in place of the old one; a failure breaks the shard. A bad
     * file throws before anything is touched.
     */
    @Override
    public void loadSnapshot(Path dir) throws IOException {
        Path file = dir.resolve(SnapshotFile.FILE_NAME);
        String[] last = {null};
        SnapshotFile.Header verified = SnapshotFile.read(file, (id, value) -> {
            if (last[0] != null && last[0].compareTo(id) >= 0) {
                throw new IOException("snapshot file " + file + " is out of order: object " + id + " after " + last[0]);
            }
            last[0] = id;
            StoredObject o;
            try {
                o = ObjectCodec.decode(id, value);
            } catch (IllegalArgumentException e) {
                throw new IOException("snapshot file " + file + " has a malformed object " + id, e);
            }
            if (o.vector() != null && o.vector().length != schema.dimensions()) {
                throw new IOException("snapshot file " + file + " holds object " + id + " with "
                        + o.vector().length + " dimensions, index " + schema.name() + " has " + schema.dimensions());
            }
        });
        lock.writeLock().lock();
        try {
            ensureOpen();
            abandonCut("a snapshot is loaded in place of the state");
            if (transactional && dirty && broken == null) {
                commit(); // a failed load rolls back to here, not to before earlier applies
            }
            try {
                SnapshotFile.Header header;
                if (transactional) {
                    objects.clear();
                    header = SnapshotFile.read(file, objects::put);
                } else {
                    header = bulkLoad(file);
                }
                if (!header.equals(verified)) {
                    throw new IOException("snapshot file " + file + " changed while it was loaded");
                }
                lastApplied.set(header.lastAppliedIndex());
                if (transactional) {
                    commit();
                } else {
                    dirty = true;
                    durableAppliedIndex = header.lastAppliedIndex(); // the snapshot holds it
                }
                lastAppliedIndex = header.lastAppliedIndex();
                broken = null; // the whole state was replaced by a verified copy
            } catch (IOException | RuntimeException e) {
                if (transactional) {
                    LOG.error("{}: loading snapshot {} failed; rolling back", name, file, e);
                    try {
                        db.rollback();
                    } catch (RuntimeException r) {
                        e.addSuppressed(r);
                    }
                } else {
                    LOG.error("{}: loading snapshot {} failed half way; the shard is broken until a load succeeds or "
                            + "the next start rebuilds it", name, file, e);
                    breakOn(e);
                }
                throw e;
            }
            LOG.info("{}: loaded snapshot {} ({} objects, last applied index {})",
                    name, file, verified.objectCount(), verified.lastAppliedIndex());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Without transactions: closes the file, deletes it and builds a new one from the (verified, sorted) snapshot
     * (caller holds the write lock). The open marker stays, so a crash half way rebuilds the replica.
     */
    private SnapshotFile.Header bulkLoad(Path snapshot) throws IOException {
        Path file = dir.resolve(DB_FILE);
        db.close();
        Files.delete(file);
        db = makeDb(file, config);
        db.atomicInteger(DIMENSIONS).createOrOpen().set(schema.dimensions());
        DB.TreeMapSink<String, byte[]> sink = objectsMap(db).createFromSink();
        SnapshotFile.Header header = SnapshotFile.read(snapshot, sink::put);
        objects = sink.create();
        lastApplied = db.atomicLong(LAST_APPLIED).createOrOpen();
        return header;
    }

    // -------------------------------------------------------------------------------------- lifecycle

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("shard " + name + " is closed");
        }
    }

    /**
     * Commits what is applied (transactional) or, without transactions, closes the file and then forces it to disk
     * once (MapDB's close writes the header but does not sync; a commit before it would sync twice), and removes the
     * open marker; idempotent. A broken shard keeps its marker, so the next start rebuilds it. Waits for a running
     * apply or read.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                abandonCut("the shard is closing");
                if (transactional && dirty && broken == null) {
                    commit();
                }
                db.close();
                if (broken == null) {
                    try {
                        if (!transactional) {
                            forceFile(dir.resolve(DB_FILE)); // durable before the marker says it can be trusted
                        }
                        Files.deleteIfExists(dir.resolve(OPEN_MARKER));
                    } catch (IOException e) {
                        LOG.warn("{}: cannot sync the file or remove {}; the next open will rebuild a replicated shard",
                                name, dir.resolve(OPEN_MARKER), e);
                    }
                }
                LOG.info("{}: closed", name);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** For tests of the failure path: closes MapDB beneath the shard, as a failed volume leaves it. */
    void closeStorageForTest() {
        lock.writeLock().lock();
        try {
            db.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void forceFile(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    @Override
    public String toString() {
        return "MapDbShard[" + name + "]";
    }
}

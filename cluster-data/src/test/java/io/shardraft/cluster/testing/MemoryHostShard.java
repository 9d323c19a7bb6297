package io.shardraft.cluster.testing;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.spi.HostShard;
import io.shardraft.cluster.spi.LoggedCommand;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A small, real in-memory {@link HostShard} for the replication core's tests: objects by id with the
 * log index that wrote them. Merge replaces the properties text and/or vector (no JSON patching here;
 * the reference host does that). Thread-safe for reads via synchronization. {@link #bundling()} makes one that
 * applies bundles (several commands at one log index).
 */
public final class MemoryHostShard implements HostShard {
    private static final String SNAPSHOT_FILE = "memory.snap";

    private record Stored(ObjectData data, long version) {
    }

    private final TreeMap<String, Stored> objects = new TreeMap<>();
    private final boolean bundles;
    private long lastApplied;
    private long appliedEntries;
    private int runAtIndex;
    private int mostAtOneIndex;
    private volatile boolean closed;

    public MemoryHostShard() {
        this(false);
    }

    private MemoryHostShard(boolean bundles) {
        this.bundles = bundles;
    }

    /** One that applies bundles ({@link HostShard#appliesBundles()}). */
    public static MemoryHostShard bundling() {
        return new MemoryHostShard(true);
    }

    @Override
    public boolean appliesBundles() {
        return bundles;
    }

    @Override
    public synchronized CommandResult apply(long logIndex, Command command) {
        if (logIndex <= lastApplied) {
            return CommandResult.newBuilder().setLogIndex(logIndex).build();
        }
        return applyNew(logIndex, command);
    }

    @Override
    public synchronized List<CommandResult> applyBatch(List<LoggedCommand> commands) {
        long start = lastApplied;
        List<CommandResult> results = new ArrayList<>(commands.size());
        for (LoggedCommand c : commands) {
            results.add(c.logIndex() <= start ? CommandResult.newBuilder().setLogIndex(c.logIndex()).build()
                    : applyNew(c.logIndex(), c.command()));
        }
        return results;
    }

    private CommandResult applyNew(long logIndex, Command command) {
        CommandResult.Builder result = CommandResult.newBuilder().setLogIndex(logIndex);
        runAtIndex = logIndex == lastApplied ? runAtIndex + 1 : 1;
        mostAtOneIndex = Math.max(mostAtOneIndex, runAtIndex);
        switch (command.getOpCase()) {
            case PUT -> result.addItems(put(logIndex, command.getPut()));
            case MERGE -> result.addItems(merge(logIndex, command.getMerge()));
            case DELETE -> result.addItems(delete(command.getDelete()));
            case PUT_BATCH -> command.getPutBatch().getPutsList().forEach(p -> result.addItems(put(logIndex, p)));
            case DELETE_BATCH -> command.getDeleteBatch().getDeletesList().forEach(d -> result.addItems(delete(d)));
            case OP_NOT_SET -> throw new IllegalArgumentException("no op");
            default -> throw new IllegalArgumentException("not a shard command: " + command.getOpCase());
        }
        lastApplied = logIndex;
        appliedEntries++;
        return result.build();
    }

    private boolean conflicts(String id, boolean has, long expected) {
        if (!has) {
            return false;
        }
        Stored s = objects.get(id);
        return (s == null ? 0 : s.version) != expected;
    }

    private ItemResult put(long index, PutObject p) {
        String id = p.getObject().getId();
        if (conflicts(id, p.hasExpectedVersion(), p.getExpectedVersion())) {
            return item(id, ItemStatus.ITEM_CONFLICT, 0);
        }
        objects.put(id, new Stored(p.getObject(), index));
        return item(id, ItemStatus.ITEM_OK, index);
    }

    private ItemResult merge(long index, MergeObject m) {
        Stored s = objects.get(m.getId());
        if (s == null) {
            return item(m.getId(), ItemStatus.ITEM_NOT_FOUND, 0);
        }
        if (conflicts(m.getId(), m.hasExpectedVersion(), m.getExpectedVersion())) {
            return item(m.getId(), ItemStatus.ITEM_CONFLICT, s.version);
        }
        ObjectData.Builder b = s.data.toBuilder();
        if (m.hasPropertiesJson()) {
            b.setPropertiesJson(m.getPropertiesJson());
        }
        if (m.hasVector()) {
            b.setVector(m.getVector());
        }
        objects.put(m.getId(), new Stored(b.build(), index));
        return item(m.getId(), ItemStatus.ITEM_OK, index);
    }

    private ItemResult delete(DeleteObject d) {
        if (conflicts(d.getId(), d.hasExpectedVersion(), d.getExpectedVersion())) {
            return item(d.getId(), ItemStatus.ITEM_CONFLICT, 0);
        }
        return objects.remove(d.getId()) == null ? item(d.getId(), ItemStatus.ITEM_NOT_FOUND, 0)
                : item(d.getId(), ItemStatus.ITEM_OK, 0);
    }

    private static ItemResult item(String id, ItemStatus status, long version) {
        return ItemResult.newBuilder().setId(id).setStatus(status).setVersion(version).build();
    }

    @Override
    public synchronized long lastAppliedIndex() {
        return lastApplied;
    }

    /** How many commands this instance applied (not counting skipped replays or snapshot loads). */
    public synchronized long appliedEntries() {
        return appliedEntries;
    }

    /** The most commands this instance applied at one log index (more than 1: it applied a bundle). */
    public synchronized int mostCommandsAtOneIndex() {
        return mostAtOneIndex;
    }

    /** The version (log index of the last write) of an object, if it exists. */
    public synchronized Optional<Long> version(String id) {
        Stored s = objects.get(id);
        return s == null ? Optional.empty() : Optional.of(s.version);
    }

    public synchronized Optional<ObjectData> get(String id) {
        Stored s = objects.get(id);
        return s == null ? Optional.empty() : Optional.of(s.data);
    }

    public synchronized int count() {
        return objects.size();
    }

    public synchronized Map<String, ObjectData> all() {
        Map<String, ObjectData> out = new TreeMap<>();
        objects.forEach((k, v) -> out.put(k, v.data));
        return out;
    }

    @Override
    public synchronized void saveSnapshot(Path dir) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(SNAPSHOT_FILE)))) {
            out.writeLong(lastApplied);
            out.writeInt(objects.size());
            for (Stored s : objects.values()) {
                byte[] b = s.data.toByteArray();
                out.writeLong(s.version);
                out.writeInt(b.length);
                out.write(b);
            }
        }
    }

    @Override
    public synchronized void loadSnapshot(Path dir) throws IOException {
        TreeMap<String, Stored> loaded = new TreeMap<>();
        long applied;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve(SNAPSHOT_FILE)))) {
            applied = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                long version = in.readLong();
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                ObjectData d = ObjectData.parseFrom(b);
                loaded.put(d.getId(), new Stored(d, version));
            }
        }
        objects.clear();
        objects.putAll(loaded);
        lastApplied = applied;
    }

    @Override
    public synchronized String checksum() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Stored s : objects.values()) {
                md.update(s.data.toByteArray());
                md.update(Long.toString(s.version).getBytes());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }
}

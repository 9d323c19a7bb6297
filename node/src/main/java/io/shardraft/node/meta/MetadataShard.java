package io.shardraft.node.meta;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.cluster.spi.HostShard;
import io.shardraft.node.db.IndexDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The state machine of the cluster metadata group: index definitions by name, each with the
 * incarnation (the log index) it was created at. Every node applies the same creates and drops in the
 * same order and tells its {@link MetadataListener}, which opens or purges the index's shards placed on
 * it. The state lives in memory; JRaft's log and snapshots are its durability, so a restart replays it
 * (and re-opens the indexes, whose data is on disk).
 */
final class MetadataShard implements HostShard {
    private static final Logger LOG = LogManager.getLogger(MetadataShard.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SNAPSHOT_FILE = "metadata.json";

    private final int clusterSize;
    private final MetadataListener listener;
    private final TreeMap<String, IndexDefinition> indexes = new TreeMap<>();
    private long lastApplied;

    MetadataShard(int clusterSize, MetadataListener listener) {
        this.clusterSize = clusterSize;
        this.listener = listener;
    }

    @Override
    public CommandResult apply(long logIndex, Command command) {
        CommandResult.Builder result = CommandResult.newBuilder().setLogIndex(logIndex);
        synchronized (this) {
            if (logIndex <= lastApplied) {
                return result.build();
            }
            lastApplied = logIndex;
        }
        switch (command.getOpCase()) {
            case CREATE_INDEX -> result.addItems(create(logIndex, command.getCreateIndex().getSpec()));
            case DROP_INDEX -> result.addItems(drop(command.getDropIndex().getName()));
            default -> result.addItems(ItemResult.newBuilder().setStatus(ItemStatus.ITEM_REJECTED)
                    .setMessage("not a metadata command: " + command.getOpCase()));
        }
        return result.build();
    }

    private ItemResult create(long logIndex, IndexSpec spec) {
        ItemResult.Builder item = ItemResult.newBuilder().setId(spec.getName());
        IndexDefinition def;
        try {
            def = IndexSpecs.toDefinition(spec, logIndex);
            if (def.replicationFactor() > clusterSize) {
                throw new IllegalArgumentException("replicas: " + def.replicationFactor() + " exceeds the "
                        + clusterSize + " nodes of the cluster");
            }
        } catch (IllegalArgumentException e) {
            return item.setStatus(ItemStatus.ITEM_REJECTED).setMessage(e.getMessage()).build();
        }
        IndexDefinition existing;
        synchronized (this) {
            existing = indexes.get(def.name());
            if (existing == null) {
                indexes.put(def.name(), def);
            }
        }
        if (existing != null) {
            if (existing.withIncarnation(0).equals(def.withIncarnation(0))) {
                return item.setStatus(ItemStatus.ITEM_OK).setVersion(existing.incarnation()).build();
            }
            return item.setStatus(ItemStatus.ITEM_CONFLICT).setVersion(existing.incarnation())
                    .setMessage("index '" + def.name() + "' already exists with a different definition: "
                            + IndexSpecs.toSpec(existing).toString().replace('\n', ' ').trim()).build();
        }
        try {
            listener.indexCreated(def);
        } catch (RuntimeException e) {
            // The definition is recorded on every node alike; this node failed to open its shards.
            LOG.error("index {} is defined but could not be opened on this node", def.raftName(), e);
            return item.setStatus(ItemStatus.ITEM_FAILED).setVersion(logIndex)
                    .setMessage("index defined, but opening its shards failed on this node: " + e.getMessage()).build();
        }
        return item.setStatus(ItemStatus.ITEM_OK).setVersion(logIndex).build();
    }

    private ItemResult drop(String name) {
        IndexDefinition removed;
        synchronized (this) {
            removed = indexes.remove(name);
        }
        if (removed == null) {
            return ItemResult.newBuilder().setId(name).setStatus(ItemStatus.ITEM_NOT_FOUND)
                    .setMessage("index '" + name + "' does not exist").build();
        }
        try {
            listener.indexDropped(removed);
        } catch (RuntimeException e) {
            LOG.error("index {} is dropped but its files could not all be removed on this node", removed.raftName(), e);
            return ItemResult.newBuilder().setId(name).setStatus(ItemStatus.ITEM_FAILED)
                    .setMessage("index dropped, but purging failed on this node: " + e.getMessage()).build();
        }
        return ItemResult.newBuilder().setId(name).setStatus(ItemStatus.ITEM_OK).setVersion(removed.incarnation()).build();
    }

    synchronized List<IndexDefinition> definitions() {
        return List.copyOf(indexes.values());
    }

    synchronized Optional<IndexDefinition> definition(String name) {
        return Optional.ofNullable(indexes.get(name));
    }

    @Override
    public synchronized long lastAppliedIndex() {
        return lastApplied;
    }

    @Override
    public void saveSnapshot(Path dir) throws IOException {
        byte[] bytes;
        synchronized (this) {
            bytes = JSON.writeValueAsBytes(toJson(lastApplied, indexes));
        }
        Path tmp = dir.resolve(SNAPSHOT_FILE + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, dir.resolve(SNAPSHOT_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void loadSnapshot(Path dir) throws IOException {
        Path file = dir.resolve(SNAPSHOT_FILE);
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException | ClassCastException e) {
            throw new IOException("metadata snapshot " + file + " is unreadable: " + e.getMessage(), e);
        }
        TreeMap<String, IndexDefinition> loaded = new TreeMap<>();
        for (var n : root.withArray("indexes")) {
            IndexSpec.Builder spec = IndexSpec.newBuilder();
            try {
                com.google.protobuf.util.JsonFormat.parser().merge(n.get("spec").toString(), spec);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IOException("metadata snapshot " + file + " has a bad index spec: " + e.getMessage(), e);
            }
            IndexDefinition def = IndexSpecs.toDefinition(spec.build(), n.get("incarnation").asLong());
            loaded.put(def.name(), def);
        }
        List<IndexDefinition> dropped = new ArrayList<>();
        List<IndexDefinition> created = new ArrayList<>();
        synchronized (this) {
            for (IndexDefinition d : indexes.values()) {
                if (!d.equals(loaded.get(d.name()))) {
                    dropped.add(d);
                }
            }
            for (IndexDefinition d : loaded.values()) {
                if (!d.equals(indexes.get(d.name()))) {
                    created.add(d);
                }
            }
            indexes.clear();
            indexes.putAll(loaded);
            lastApplied = root.get("lastApplied").asLong();
        }
        dropped.forEach(listener::indexDropped);
        created.forEach(listener::indexCreated);
    }

    private static ObjectNode toJson(long applied, Map<String, IndexDefinition> defs) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("lastApplied", applied);
        ArrayNode arr = root.putArray("indexes");
        for (IndexDefinition d : defs.values()) {
            ObjectNode n = arr.addObject();
            n.put("incarnation", d.incarnation());
            n.set("spec", JSON.readTree(com.google.protobuf.util.JsonFormat.printer().print(IndexSpecs.toSpec(d))));
        }
        return root;
    }

    @Override
    public synchronized String checksum() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (IndexDefinition d : indexes.values()) {
                md.update((d.raftName() + "|" + IndexSpecs.toSpec(d)).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
    }
}

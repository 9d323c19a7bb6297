package io.shardraft.node.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.google.common.base.Preconditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code DIR/cluster.json}: what the CLI knows about a local cluster (nodes, ports, processes, how to restart
 * them). Written atomically (temporary file, then rename).
 *
 * @param format    file format version
 * @param settings  extra node configuration keys given to {@code cluster up --set}, applied to every node
 * @param nodes     the nodes in order; the first is the default target
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ClusterFile(int format, Map<String, String> settings, List<NodeEntry> nodes) {

    static final String NAME = "cluster.json";
    static final int FORMAT = 1;

    ClusterFile {
        Preconditions.checkArgument(nodes != null && !nodes.isEmpty(), "a cluster has at least one node");
        settings = settings == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(settings));
        nodes = List.copyOf(nodes);
        var ids = new HashSet<String>();
        for (NodeEntry node : nodes) {
            Preconditions.checkArgument(ids.add(node.id()), "duplicate node id %s", node.id());
        }
    }

    static Path path(Path dir) {
        return dir.resolve(NAME);
    }

    static Optional<ClusterFile> read(Path dir) {
        Path file = path(dir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(CliJson.MAPPER.readValue(file.toFile(), ClusterFile.class));
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(file + " is not a valid cluster file: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, NAME, ".tmp");
            ObjectWriter writer = CliJson.MAPPER.writerWithDefaultPrettyPrinter();
            Files.writeString(tmp, writer.writeValueAsString(this) + System.lineSeparator());
            try {
                Files.move(tmp, path(dir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path(dir), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path(dir) + ": " + e.getMessage(), e);
        }
    }

    Optional<NodeEntry> find(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    NodeEntry node(String id) {
        return find(id).orElseThrow(() -> new CliException("no node '" + id + "' in this cluster (nodes: "
                + nodes.stream().map(NodeEntry::id).collect(Collectors.joining(", ")) + ")"));
    }

    ClusterFile withNode(NodeEntry replacement) {
        List<NodeEntry> updated = new ArrayList<>(nodes);
        for (int i = 0; i < updated.size(); i++) {
            if (updated.get(i).id().equals(replacement.id())) {
                updated.set(i, replacement);
                return new ClusterFile(format, settings, updated);
            }
        }
        throw new IllegalArgumentException("no node " + replacement.id());
    }

    /** The {@code cluster.peers} value: every node as {@code id@host:raftPort:clientPort}. */
    String peers() {
        return nodes.stream().map(NodeEntry::peerSpec).collect(Collectors.joining(","));
    }
}

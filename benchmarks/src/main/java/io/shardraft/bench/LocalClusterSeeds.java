package io.shardraft.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The client addresses of a local cluster's nodes, from the {@code cluster.json} that {@code cluster up} wrote. */
final class LocalClusterSeeds {

    private LocalClusterSeeds() {
    }

    static List<Address> read(Path dataDir) {
        List<Address> seeds = new ArrayList<>();
        Path file = dataDir.resolve("cluster.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no --node given and no local cluster in " + dataDir
                    + " (start one with `shardraft cluster up`, or pass --node HOST:PORT)");
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            for (JsonNode n : root.path("nodes")) {
                seeds.add(new Address(n.path("host").asText(), n.path("clientPort").asInt()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(file + " is not a valid cluster file: " + e.getMessage(), e);
        }
        if (seeds.isEmpty()) {
            throw new IllegalStateException(file + " lists no nodes");
        }
        return seeds;
    }
}

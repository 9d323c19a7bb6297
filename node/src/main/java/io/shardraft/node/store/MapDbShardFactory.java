package io.shardraft.node.store;

import io.shardraft.cluster.spi.HostShardFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** Opens {@link MapDbShard}s, looking up each index's schema by name. */
public final class MapDbShardFactory implements HostShardFactory {

    private final Function<String, Optional<IndexSchema>> schemas;
    private final MapDbShardConfig config;

    /** @param schemas the schema of an index by name, empty if the index is unknown */
    public MapDbShardFactory(Function<String, Optional<IndexSchema>> schemas) {
        this(schemas, MapDbShardConfig.DEFAULT);
    }

    public MapDbShardFactory(Function<String, Optional<IndexSchema>> schemas, MapDbShardConfig config) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Opens (or creates) {@code dir/objects.db}.
     *
     * @throws IOException if the index has no schema or the file cannot be opened
     */
    @Override
    public MapDbShard open(String index, String shard, Path dir) throws IOException {
        IndexSchema schema = schemas.apply(index)
                .orElseThrow(() -> new IOException("cannot open shard " + shard + ": no schema for index " + index));
        return MapDbShard.open(index + "/" + shard, dir, schema, config);
    }
}

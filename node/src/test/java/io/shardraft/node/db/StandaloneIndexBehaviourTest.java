package io.shardraft.node.db;

import io.shardraft.node.store.Distance;
import io.shardraft.node.store.MapDbShardConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour suite on an unreplicated index: one node, no Registry, shards applied directly. */
class StandaloneIndexBehaviourTest extends IndexBehaviourSuite {
    @TempDir
    Path dir;
    HostDatabase db;

    @BeforeEach
    void start() {
        db = new HostDatabase("solo", List.of("solo"), dir, null, MapDbShardConfig.DEFAULT);
    }

    @AfterEach
    void stop() {
        db.close();
    }

    @Override
    protected List<ObjectIndex> open(String name, Distance distance) {
        return List.of(db.createIndex(IndexDefinition.standalone(name, SHARDS, DIMS, distance)));
    }
}

package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.put;
import static io.shardraft.node.store.Commands.putBatch;
import static io.shardraft.node.store.Commands.putItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.PutObject;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Logs rough apply throughput for single puts and 100-item batches, per volume and durability (a commit per entry,
 * or none until close). Figures only; nothing is asserted about time.
 */
class ApplyThroughputTest {

    private static final Logger LOG = LogManager.getLogger(ApplyThroughputTest.class);
    static final int DIMS = 128;
    static final int SINGLE_PUTS = 1_000;

    @ParameterizedTest
    @EnumSource(MapDbShardConfig.Volume.class)
    void measureApplyThroughput(MapDbShardConfig.Volume v, @TempDir Path root) throws Exception {
        for (MapDbShardConfig.Durability d : MapDbShardConfig.Durability.values()) {
            measure(new MapDbShardConfig(v, d), root.resolve(d.name()));
        }
    }

    private void measure(MapDbShardConfig config, Path dir) throws Exception {
        String volume = config.volume() + "/" + config.durability();
        IndexSchema schema = new IndexSchema("bench", DIMS, Distance.COSINE);
        Random rnd = new Random(1);
        try (MapDbShard shard = MapDbShard.open("bench/single", dir.resolve("single"), schema, config)) {
            int n = SINGLE_PUTS;
            long start = System.nanoTime();
            for (int i = 1; i <= n; i++) {
                shard.apply(i, put(T0 + i, new UUID(rnd.nextLong(), rnd.nextLong()).toString(),
                        "{\"i\":" + i + ",\"name\":\"object " + i + "\"}", vector(rnd)));
            }
            double secs = (System.nanoTime() - start) / 1e9;
            assertEquals(n, shard.count());
            LOG.info("{}: single puts ({} dims): {} entries in {} s = {} entries/s",
                    volume, DIMS, n, String.format("%.2f", secs), Math.round(n / secs));
        }
        try (MapDbShard shard = MapDbShard.open("bench/batch", dir.resolve("batch"), schema, config)) {
            int batches = 100;
            int size = 100;
            long start = System.nanoTime();
            for (int b = 1; b <= batches; b++) {
                PutObject[] puts = new PutObject[size];
                for (int j = 0; j < size; j++) {
                    puts[j] = putItem(new UUID(rnd.nextLong(), rnd.nextLong()).toString(),
                            "{\"b\":" + b + ",\"j\":" + j + "}", vector(rnd));
                }
                assertEquals(ItemStatus.ITEM_OK, shard.apply(b, putBatch(T0 + b, puts)).getItems(size - 1).getStatus());
            }
            double secs = (System.nanoTime() - start) / 1e9;
            assertEquals((long) batches * size, shard.count());
            LOG.info("{}: 100-item batches ({} dims): {} entries ({} objects) in {} s = {} entries/s, {} objects/s",
                    volume, DIMS, batches, batches * size, String.format("%.2f", secs),
                    Math.round(batches / secs), Math.round(batches * size / secs));

            float[] q = vector(rnd);
            long s2 = System.nanoTime();
            int queries = 20;
            for (int i = 0; i < queries; i++) {
                assertEquals(10, shard.search(q, 10).size());
            }
            double ms = (System.nanoTime() - s2) / 1e6 / queries;
            LOG.info("{}: brute-force k=10 search over {} objects: {} ms/query", volume, shard.count(), String.format("%.1f", ms));
        }
    }

    private static float[] vector(Random rnd) {
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            v[i] = rnd.nextFloat() - 0.5f;
        }
        return v;
    }
}

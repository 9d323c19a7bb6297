package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.putBatch;
import static io.shardraft.node.store.Commands.putItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.PutObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers on other threads never see part of a batch. */
class MapDbShardConcurrencyTest {

    @Test
    void readersNeverSeeHalfABatch(@TempDir Path dir) throws Exception {
        IndexSchema schema = new IndexSchema("gen", 2, Distance.L2);
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> new UUID(7, i).toString()).toList();
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try (MapDbShard shard = MapDbShard.open("gen/shard-0", dir, schema)) {
            AtomicBoolean done = new AtomicBoolean();
            Future<Integer> scans = readers.submit(() -> {
                int n = 0;
                while (!done.get()) {
                    List<StoredObject> all = shard.scan(null, 100);
                    Set<String> generations = all.stream().map(StoredObject::propertiesJson).collect(Collectors.toSet());
                    assertTrue(all.isEmpty() || (all.size() == ids.size() && generations.size() == 1),
                            "saw a partial batch: " + all.size() + " objects, generations " + generations);
                    n++;
                }
                return n;
            });
            Future<Integer> searches = readers.submit(() -> {
                int n = 0;
                while (!done.get()) {
                    List<SearchHit> hits = shard.search(new float[] {0, 0}, ids.size());
                    Set<Long> versions = hits.stream().map(h -> h.object().version()).collect(Collectors.toSet());
                    assertTrue(versions.size() <= 1, "mixed versions " + versions);
                    n++;
                }
                return n;
            });
            for (int gen = 1; gen <= 200; gen++) {
                int g = gen;
                PutObject[] puts = ids.stream().map(id -> putItem(id, "{\"gen\":" + g + "}", g, -g))
                        .toArray(PutObject[]::new);
                shard.apply(gen, putBatch(T0 + gen, puts));
            }
            done.set(true);
            assertTrue(scans.get(30, TimeUnit.SECONDS) > 0);
            assertTrue(searches.get(30, TimeUnit.SECONDS) > 0);
            assertEquals("{\"gen\":200}", shard.get(ids.get(0)).orElseThrow().propertiesJson());
        } finally {
            readers.shutdownNow();
        }
    }
}

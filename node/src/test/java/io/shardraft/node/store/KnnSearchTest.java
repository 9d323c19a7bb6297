package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.putBatch;
import static io.shardraft.node.store.Commands.putItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.PutObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exact kNN per shard plus {@link KnnMerge} must equal brute force over the whole index. */
class KnnSearchTest {

    static final int DIMS = 8;
    static final int SHARDS = 3;
    static final String[] COLORS = {"red", "green", "blue"};

    @TempDir
    Path dir;
    final List<MapDbShard> shards = new ArrayList<>();
    final List<StoredObject> all = new ArrayList<>();

    @AfterEach
    void close() {
        shards.forEach(MapDbShard::close);
    }

    /** 600 objects (some without vectors) routed by {@link ShardHasher} into 3 shards. */
    private void load(Distance distance, long seed) throws IOException {
        IndexSchema schema = new IndexSchema("vectors", DIMS, distance);
        Random rnd = new Random(seed);
        List<List<PutObject>> perShard = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            shards.add(MapDbShard.open("vectors/" + ShardHasher.shardName(s), dir.resolve("s" + s), schema));
            perShard.add(new ArrayList<>());
        }
        float[] previous = null;
        for (int i = 0; i < 600; i++) {
            String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
            String props = "{\"color\":\"" + COLORS[rnd.nextInt(COLORS.length)] + "\",\"rank\":" + rnd.nextInt(5) + "}";
            float[] v = i % 50 == 0 ? new float[0] : randomVector(rnd); // every 50th has no vector
            if (i % 7 == 0 && previous != null) {
                v = previous.clone(); // exact duplicates: equal distances, ties break by id
            }
            if (v.length > 0) {
                previous = v;
            }
            perShard.get(ShardHasher.shardOf(id, SHARDS)).add(putItem(id, props, v));
        }
        for (int s = 0; s < SHARDS; s++) {
            List<PutObject> puts = perShard.get(s);
            for (int from = 0, index = 1; from < puts.size(); from += 100, index++) {
                shards.get(s).apply(index, putBatch(T0, puts.subList(from, Math.min(from + 100, puts.size()))
                        .toArray(PutObject[]::new)));
            }
            all.addAll(shards.get(s).scan(null, 10_000));
        }
        assertEquals(600, all.size());
        assertTrue(perShard.stream().allMatch(p -> p.size() > 100), "ids spread over the shards");
    }

    private static float[] randomVector(Random rnd) {
        float[] v = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
            v[d] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private List<SearchHit> bruteForce(float[] q, int k, Distance distance, Optional<PropertyFilter> filter) {
        return all.stream()
                .filter(StoredObject::hasVector)
                .filter(o -> filter.isEmpty() || filter.get().matches(Json.parseStoredObject(o.propertiesJson())))
                .map(o -> new SearchHit(o.id(), distance.distance(q, o.vector()), o))
                .sorted(SearchHit.ORDER)
                .limit(k)
                .toList();
    }

    private List<SearchHit> distributed(float[] q, int k, Distance distance, Optional<PropertyFilter> filter) {
        return KnnMerge.merge(shards.stream().map(s -> s.search(q, k, distance, filter)).toList(), k);
    }

    @ParameterizedTest
    @EnumSource(Distance.class)
    void shardedSearchEqualsBruteForce(Distance distance) throws IOException {
        load(distance, 1234 + distance.ordinal());
        Random rnd = new Random(99);
        for (int query = 0; query < 20; query++) {
            float[] q = randomVector(rnd);
            for (int k : new int[] {1, 10, 57}) {
                List<SearchHit> expected = bruteForce(q, k, distance, Optional.empty());
                assertEquals(k, expected.size());
                assertEquals(expected, distributed(q, k, distance, Optional.empty()), distance + " k=" + k);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Distance.class)
    void filteredSearchEqualsBruteForce(Distance distance) throws IOException {
        load(distance, 77 + distance.ordinal());
        Random rnd = new Random(5);
        for (int query = 0; query < 10; query++) {
            float[] q = randomVector(rnd);
            Optional<PropertyFilter> red = Optional.of(PropertyFilter.equalTo("color", "\"red\""));
            List<SearchHit> expected = bruteForce(q, 15, distance, red);
            assertEquals(15, expected.size());
            List<SearchHit> actual = distributed(q, 15, distance, red);
            assertEquals(expected, actual);
            assertTrue(actual.stream().allMatch(h -> h.object().propertiesJson().contains("\"color\":\"red\"")));

            // numbers compare by value: rank 2 matches 2.0
            Optional<PropertyFilter> rank = Optional.of(PropertyFilter.equalTo("rank", "2.0"));
            assertEquals(bruteForce(q, 15, distance, rank), distributed(q, 15, distance, rank));
            assertTrue(distributed(q, 15, distance, rank).stream()
                    .allMatch(h -> h.object().propertiesJson().contains("\"rank\":2")));
        }
    }

    @Test
    void kLargerThanTheIndexReturnsEveryVector() throws IOException {
        load(Distance.L2, 8);
        float[] q = new float[DIMS];
        List<SearchHit> hits = distributed(q, 1000, Distance.L2, Optional.empty());
        assertEquals(all.stream().filter(StoredObject::hasVector).count(), hits.size());
        assertEquals(hits.stream().sorted(SearchHit.ORDER).toList(), hits);
        assertEquals(List.of(), distributed(q, 5, Distance.L2, Optional.of(PropertyFilter.equalTo("color", "\"pink\""))));
    }

    @Test
    void searchRejectsBadArguments() throws IOException {
        load(Distance.COSINE, 1);
        MapDbShard s = shards.get(0);
        assertThrows(IllegalArgumentException.class, () -> s.search(new float[DIMS - 1], 3));
        assertThrows(IllegalArgumentException.class, () -> s.search(new float[DIMS], 0));
    }

    @Test
    void mergeBreaksTiesById() {
        StoredObject o = new StoredObject("x", "{}", null, 1, 0, 0);
        SearchHit a = new SearchHit("a", 1f, o);
        SearchHit b = new SearchHit("b", 1f, o);
        SearchHit c = new SearchHit("c", 0.5f, o);
        SearchHit d = new SearchHit("d", 2f, o);
        assertEquals(List.of(c, a, b), KnnMerge.merge(List.of(List.of(b, d), List.of(a), List.of(c)), 3));
        assertEquals(List.of(), KnnMerge.merge(List.of(List.of(), List.of()), 3));
        assertThrows(IllegalArgumentException.class, () -> KnnMerge.merge(List.of(), 0));
    }

    @Test
    void distancesAreSmallerWhenCloser() {
        float[] x = {1, 0};
        float[] near = {2, 0.1f};
        float[] far = {-1, 0};
        for (Distance d : Distance.values()) {
            assertTrue(d.distance(x, near) < d.distance(x, far), d.toString());
        }
        assertEquals(0f, Distance.COSINE.distance(x, new float[] {5, 0}), 1e-6);
        assertEquals(2f, Distance.COSINE.distance(x, far), 1e-6);
        assertEquals(1f, Distance.COSINE.distance(x, new float[] {0, 0}), "zero vector: distance 1");
        assertEquals(-2f, Distance.DOT.distance(x, new float[] {2, 7}));
        assertEquals(25f, Distance.L2.distance(new float[] {0, 0}, new float[] {3, 4}), "squared euclidean");
        assertThrows(IllegalArgumentException.class, () -> Distance.L2.distance(x, new float[3]));
        IntStream.range(0, Distance.values().length).forEach(i ->
                assertEquals(Distance.values()[i], Distance.parse(Distance.values()[i].wireName())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Distance.parse("COSINE"));
        assertTrue(e.getMessage().contains("cosine, dot, l2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Distance.parse("manhattan"));
        assertEquals(List.of("cosine", "dot", "l2"),
                java.util.Arrays.stream(Distance.values()).map(Distance::wireName)
                        .sorted(Comparator.naturalOrder()).toList());
    }
}

package io.shardraft.node.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.node.store.Distance;
import io.shardraft.node.store.ObjectValidationException;
import io.shardraft.node.store.PropertyFilter;
import io.shardraft.node.store.SearchHit;
import io.shardraft.node.store.StoredObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One behaviour suite for the reference host's index, run unchanged against a standalone index and a
 * replicated one (three in-process nodes). Writes rotate over the handles (so replicated writes land on
 * leaders and followers alike); reads are STRONG, on every handle.
 */
abstract class IndexBehaviourSuite {
    static final int DIMS = 4;
    static final int SHARDS = 3;
    static final ObjectMapper JSON = new ObjectMapper();

    /** Opens a fresh index on every node of the fixture; one handle per node. */
    protected abstract List<ObjectIndex> open(String name, Distance distance);

    /** Called after a workload: replicas (if any) must hold equal content. */
    protected void assertReplicasAgree(String index) {
    }

    private int turn;

    private ObjectIndex next(List<ObjectIndex> handles) {
        return handles.get(Math.floorMod(turn++, handles.size()));
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    static ObjectData object(String props, float... vector) {
        ObjectData.Builder b = ObjectData.newBuilder().setId(UUID.randomUUID().toString()).setPropertiesJson(props);
        if (vector.length > 0) {
            Vector.Builder v = Vector.newBuilder();
            for (float f : vector) {
                v.addValues(f);
            }
            b.setVector(v);
        }
        return b.build();
    }

    static void assertJson(String expected, String actual) throws Exception {
        assertEquals(JSON.readTree(expected), JSON.readTree(actual), actual);
    }

    private static Optional<StoredObject> get(ObjectIndex idx, String id) throws Exception {
        return await(idx.get(id, ReadConsistency.STRONG));
    }

    @Test
    void crudIsVisibleOnEveryNode() throws Exception {
        List<ObjectIndex> idx = open("crud", Distance.L2);
        ObjectData o = object("{\"title\":\"a\",\"n\":1,\"tags\":{\"x\":1,\"y\":2}}", 1, 2, 3, 4);
        ItemResult put = await(next(idx).put(o));
        assertEquals(ItemStatus.ITEM_OK, put.getStatus());
        assertTrue(put.getVersion() > 0);
        for (ObjectIndex h : idx) {
            StoredObject s = get(h, o.getId()).orElseThrow();
            assertJson(o.getPropertiesJson(), s.propertiesJson());
            assertEquals(put.getVersion(), s.version());
            assertEquals(List.of(1f, 2f, 3f, 4f), boxed(s.vector()));
            assertTrue(s.createdAtMillis() > 0 && s.updatedAtMillis() == s.createdAtMillis());
        }

        ItemResult merged = await(next(idx).merge(MergeObject.newBuilder().setId(o.getId())
                .setPropertiesJson("{\"n\":2,\"title\":null,\"tags\":{\"y\":null,\"z\":3}}").build()));
        assertEquals(ItemStatus.ITEM_OK, merged.getStatus());
        assertTrue(merged.getVersion() > put.getVersion());
        for (ObjectIndex h : idx) {
            StoredObject s = get(h, o.getId()).orElseThrow();
            assertJson("{\"n\":2,\"tags\":{\"x\":1,\"z\":3}}", s.propertiesJson());
            assertEquals(List.of(1f, 2f, 3f, 4f), boxed(s.vector()), "a merge without a vector keeps it");
            assertEquals(merged.getVersion(), s.version());
        }

        ItemResult replaced = await(next(idx).put(o.toBuilder().setPropertiesJson("{\"only\":true}").build()));
        assertEquals(ItemStatus.ITEM_OK, replaced.getStatus());
        StoredObject after = get(next(idx), o.getId()).orElseThrow();
        assertJson("{\"only\":true}", after.propertiesJson());

        assertEquals(1L, await(next(idx).count(ReadConsistency.STRONG)));
        assertEquals(ItemStatus.ITEM_OK, await(next(idx).delete(o.getId(), Optional.empty())).getStatus());
        for (ObjectIndex h : idx) {
            assertTrue(get(h, o.getId()).isEmpty());
            assertEquals(0L, await(h.count(ReadConsistency.STRONG)));
        }
        assertEquals(ItemStatus.ITEM_NOT_FOUND, await(next(idx).delete(o.getId(), Optional.empty())).getStatus());
        assertEquals(ItemStatus.ITEM_NOT_FOUND, await(next(idx).merge(MergeObject.newBuilder().setId(o.getId())
                .setPropertiesJson("{}").build())).getStatus());
        assertReplicasAgree("crud");
    }

    @Test
    void batchesGiveAResultPerItemInRequestOrder() throws Exception {
        List<ObjectIndex> idx = open("batches", Distance.DOT);
        List<PutObject> puts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            puts.add(PutObject.newBuilder().setObject(object("{\"i\":" + i + "}", i, 1, 0, 0)).build());
        }
        List<ItemResult> results = await(next(idx).putBatch(puts));
        assertEquals(50, results.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(puts.get(i).getObject().getId(), results.get(i).getId());
            assertEquals(ItemStatus.ITEM_OK, results.get(i).getStatus());
        }
        for (ObjectIndex h : idx) {
            assertEquals(50L, await(h.count(ReadConsistency.STRONG)));
        }
        List<DeleteObject> deletes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            deletes.add(DeleteObject.newBuilder().setId(puts.get(i).getObject().getId()).build());
        }
        String missing = UUID.randomUUID().toString();
        deletes.add(DeleteObject.newBuilder().setId(missing).build());
        List<ItemResult> del = await(next(idx).deleteBatch(deletes));
        assertEquals(11, del.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(ItemStatus.ITEM_OK, del.get(i).getStatus());
        }
        assertEquals(ItemStatus.ITEM_NOT_FOUND, del.get(10).getStatus());
        assertEquals(missing, del.get(10).getId());
        for (ObjectIndex h : idx) {
            assertEquals(40L, await(h.count(ReadConsistency.STRONG)));
        }
        List<String> ids = new ArrayList<>();
        String after = "";
        while (true) {
            List<StoredObject> page = await(next(idx).scan(after, 7, ReadConsistency.STRONG));
            if (page.isEmpty()) {
                break;
            }
            page.forEach(s -> ids.add(s.id()));
            after = page.get(page.size() - 1).id();
        }
        assertEquals(puts.subList(10, 50).stream().map(p -> p.getObject().getId()).sorted().toList(), ids);
        assertReplicasAgree("batches");
    }

    @Test
    void conditionalWritesConflictInsteadOfOverwriting() throws Exception {
        List<ObjectIndex> idx = open("conditional", Distance.COSINE);
        ObjectData o = object("{\"v\":1}", 1, 0, 0, 0);
        ItemResult created = await(next(idx).put(o, Optional.of(0L)));
        assertEquals(ItemStatus.ITEM_OK, created.getStatus());
        ItemResult again = await(next(idx).put(o.toBuilder().setPropertiesJson("{\"v\":2}").build(), Optional.of(0L)));
        assertEquals(ItemStatus.ITEM_CONFLICT, again.getStatus());
        assertFalse(again.getMessage().isEmpty());
        assertJson("{\"v\":1}", get(next(idx), o.getId()).orElseThrow().propertiesJson());

        ItemResult updated = await(next(idx).put(o.toBuilder().setPropertiesJson("{\"v\":3}").build(),
                Optional.of(created.getVersion())));
        assertEquals(ItemStatus.ITEM_OK, updated.getStatus());
        ItemResult stale = await(next(idx).delete(o.getId(), Optional.of(created.getVersion())));
        assertEquals(ItemStatus.ITEM_CONFLICT, stale.getStatus());
        assertTrue(get(next(idx), o.getId()).isPresent());
        assertEquals(ItemStatus.ITEM_OK, await(next(idx).delete(o.getId(), Optional.of(updated.getVersion()))).getStatus());
        assertTrue(get(next(idx), o.getId()).isEmpty());
        assertReplicasAgree("conditional");
    }

    @ParameterizedTest
    @EnumSource(Distance.class)
    void knnSearchEqualsABruteForceReferenceAcrossShards(Distance distance) throws Exception {
        List<ObjectIndex> idx = open("knn-" + distance.wireName(), distance);
        Random rnd = new Random(42 + distance.ordinal());
        List<ObjectData> all = new ArrayList<>();
        List<PutObject> puts = new ArrayList<>();
        String[] colors = {"red", "green", "blue"};
        for (int i = 0; i < 90; i++) {
            ObjectData o = object("{\"color\":\"" + colors[i % 3] + "\",\"i\":" + i + "}",
                    rnd.nextFloat() * 2 - 1, rnd.nextFloat() * 2 - 1, rnd.nextFloat() * 2 - 1, rnd.nextFloat() * 2 - 1);
            all.add(o);
            puts.add(PutObject.newBuilder().setObject(o).build());
        }
        await(next(idx).putBatch(puts));
        for (int q = 0; q < 5; q++) {
            float[] query = {rnd.nextFloat(), rnd.nextFloat() - 0.5f, rnd.nextFloat(), -rnd.nextFloat()};
            for (ObjectIndex h : idx) {
                List<SearchHit> hits = await(h.search(query, 7, Optional.empty(), ReadConsistency.STRONG));
                assertEquals(reference(all, query, 7, distance, null), hits.stream().map(SearchHit::id).toList());
                List<SearchHit> blue = await(h.search(query, 5,
                        Optional.of(PropertyFilter.equalTo("color", "\"blue\"")), ReadConsistency.STRONG));
                assertEquals(reference(all, query, 5, distance, "blue"), blue.stream().map(SearchHit::id).toList());
            }
        }
    }

    private static List<String> reference(List<ObjectData> all, float[] q, int k, Distance d, String color) {
        record Scored(String id, float dist) {
        }
        return all.stream()
                .filter(o -> color == null || o.getPropertiesJson().contains("\"color\":\"" + color + "\""))
                .map(o -> new Scored(o.getId(), d.distance(q, toArray(o.getVector()))))
                .sorted(Comparator.comparingDouble(Scored::dist).thenComparing(Scored::id))
                .limit(k).map(Scored::id).toList();
    }

    @Test
    void invalidInputIsRejectedBeforeProposingNamingTheFieldAndWritesNothing() throws Exception {
        List<ObjectIndex> idx = open("invalid", Distance.L2);
        ObjectIndex h = next(idx);
        // each case: the object, then fragments the message must contain
        Map<ObjectData, List<String>> cases = Map.of(
                object("{}", 1, 2, 3), List.of("vector", "4", "3"),
                object("{}", 1, Float.NaN, 3, 4), List.of("vector", "1", "NaN"),
                object("{}", 1, 2, Float.POSITIVE_INFINITY, 4), List.of("vector", "2", "Infinity"),
                object("{}", 1, 2, 3, 4).toBuilder().setId("not-a-uuid").build(), List.of("id", "not-a-uuid"),
                object("[1,2]", 1, 2, 3, 4), List.of("properties", "object"));
        for (Map.Entry<ObjectData, List<String>> c : cases.entrySet()) {
            ObjectValidationException e = assertThrows(ObjectValidationException.class, () -> await(h.put(c.getKey())));
            for (String fragment : c.getValue()) {
                assertTrue(e.getMessage().contains(fragment), fragment + " not in: " + e.getMessage());
            }
        }
        ObjectValidationException big = assertThrows(ObjectValidationException.class, () -> await(h.put(
                object("{\"blob\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}", 1, 2, 3, 4))));
        assertTrue(big.getMessage().toLowerCase().contains("bytes") || big.getMessage().contains("size"), big.getMessage());
        ObjectValidationException badJson = assertThrows(ObjectValidationException.class,
                () -> await(h.put(object("{not json", 1, 2, 3, 4))));
        assertTrue(badJson.getMessage().contains("properties"));

        List<PutObject> batch = List.of(PutObject.newBuilder().setObject(object("{}", 1, 2, 3, 4)).build(),
                PutObject.newBuilder().setObject(object("{}", 1, 2)).build());
        ObjectValidationException e = assertThrows(ObjectValidationException.class, () -> await(h.putBatch(batch)));
        assertTrue(e.getMessage().contains("puts[1]"), e.getMessage());
        assertThrows(ObjectValidationException.class, () -> await(h.putBatch(List.of())));
        assertThrows(ObjectValidationException.class, () -> await(h.search(new float[] {1, 2}, 3, Optional.empty(),
                ReadConsistency.STRONG)));
        assertThrows(ObjectValidationException.class, () -> await(h.get("nope", ReadConsistency.STRONG)));
        for (ObjectIndex any : idx) {
            assertEquals(0L, await(any.count(ReadConsistency.STRONG)), "nothing was written");
        }
    }

    static List<Float> boxed(float[] v) {
        List<Float> out = new ArrayList<>();
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    static float[] toArray(Vector v) {
        float[] out = new float[v.getValuesCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.getValues(i);
        }
        return out;
    }
}

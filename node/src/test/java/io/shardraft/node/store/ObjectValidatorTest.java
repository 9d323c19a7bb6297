package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.delete;
import static io.shardraft.node.store.Commands.deleteBatch;
import static io.shardraft.node.store.Commands.deleteItem;
import static io.shardraft.node.store.Commands.merge;
import static io.shardraft.node.store.Commands.mergeVector;
import static io.shardraft.node.store.Commands.put;
import static io.shardraft.node.store.Commands.putBatch;
import static io.shardraft.node.store.Commands.putItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.PutObject;
import org.junit.jupiter.api.Test;

class ObjectValidatorTest {

    static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    static final IndexSchema SCHEMA = new IndexSchema("things", 4, Distance.COSINE, 600);
    final ObjectValidator validator = new ObjectValidator(SCHEMA);

    private ObjectValidationException reject(Command c) {
        return assertThrows(ObjectValidationException.class, () -> validator.validate(c));
    }

    @Test
    void validCommandsComeBackNormalized() {
        Command c = put(T0, ID.toUpperCase(), " { \"b\" : [1, 2], \"a\" : {\"y\":1, \"x\":2} } ", 1, 2, 3, 4);
        Command v = validator.validate(c);
        assertEquals(ID, v.getPut().getObject().getId());
        assertEquals("{\"a\":{\"x\":2,\"y\":1},\"b\":[1,2]}", v.getPut().getObject().getPropertiesJson());
        assertEquals(c.getPut().getObject().getVector(), v.getPut().getObject().getVector());
        assertEquals(T0, v.getProposedAtMillis());
        assertEquals(c.getRequestId(), v.getRequestId());

        assertEquals("{}", validator.validate(put(T0, ID, "")).getPut().getObject().getPropertiesJson(),
                "empty properties mean an empty object");
        assertEquals(ID, validator.validate(merge(T0, ID.toUpperCase(), "{\"a\":null}")).getMerge().getId());
        assertEquals(ID, validator.validate(delete(T0, ID.toUpperCase())).getDelete().getId());
        Command batch = validator.validate(putBatch(T0, putItem(ID, "{}"), putItem(ID.toUpperCase(), "{}", 0, 0, 0, 0)));
        assertEquals(2, batch.getPutBatch().getPutsCount());
        assertEquals(ID, batch.getPutBatch().getPuts(1).getObject().getId());
    }

    @Test
    void numbersAreKeptExactly() {
        String props = validator.validate(put(T0, ID,
                "{\"big\":1e400,\"precise\":0.1000000000000000055511151231257827,\"int\":123456789012345678901234567890,\"f\":2.50}"))
                .getPut().getObject().getPropertiesJson();
        assertTrue(props.contains("\"big\":1E+400"), props);
        assertTrue(props.contains("\"precise\":0.1000000000000000055511151231257827"), props);
        assertTrue(props.contains("\"int\":123456789012345678901234567890"), props);
        assertEquals(props, validator.validate(put(T0, ID, props)).getPut().getObject().getPropertiesJson(),
                "normalizing twice changes nothing");
    }

    @Test
    void wrongDimensions() {
        ObjectValidationException e = reject(put(T0, ID, "{}", 1, 2, 3));
        assertEquals("put.object.vector: expected 4 dimensions, got 3", e.getMessage());
        assertEquals("put.object.vector", e.field());
        assertEquals("merge.vector: expected 4 dimensions, got 5", reject(mergeVector(T0, ID, 1, 2, 3, 4, 5)).getMessage());
    }

    @Test
    void nanAndInfinity() {
        assertEquals("put.object.vector: component 2 is NaN",
                reject(put(T0, ID, "{}", 1, 2, Float.NaN, 4)).getMessage());
        assertEquals("put.object.vector: component 0 is Infinity",
                reject(put(T0, ID, "{}", Float.POSITIVE_INFINITY, 2, 3, 4)).getMessage());
        assertEquals("put.object.vector: component 3 is -Infinity",
                reject(put(T0, ID, "{}", 1, 2, 3, Float.NEGATIVE_INFINITY)).getMessage());
    }

    @Test
    void badUuids() {
        for (String bad : new String[] {"nope", "0f8fad5bd9cb469fa16570867728950e", "1-1-1-1-1",
                "0f8fad5b-d9cb-469f-a165-70867728950", "{0f8fad5b-d9cb-469f-a165-70867728950e}",
                "0f8fad5g-d9cb-469f-a165-70867728950e", "0f8fad5bd-9cb-469f-a165-70867728950e",
                "0f8fad5b-d9cb-469f-a165-70867728950e0", "０f8fad5b-d9cb-469f-a165-70867728950e",
                "0f8fad5b-d9cb-469f-a165_70867728950e"}) {
            ObjectValidationException e = reject(put(T0, bad, "{}"));
            assertEquals("put.object.id", e.field(), bad);
            assertTrue(e.getMessage().contains("not a canonical UUID"), e.getMessage());
        }
        assertEquals("put.object.id: must not be empty", reject(put(T0, "", "{}")).getMessage());
        assertEquals("delete.id", reject(delete(T0, "x")).field());
        assertEquals("merge.id", reject(merge(T0, "x", "{}")).field());
    }

    @Test
    void propertiesMustBeAJsonObject() {
        assertEquals("put.object.properties_json: must be a JSON object, got an array",
                reject(put(T0, ID, "[1,2]")).getMessage());
        assertEquals("put.object.properties_json: must be a JSON object, got a number",
                reject(put(T0, ID, "42")).getMessage());
        assertEquals("put.object.properties_json: must be a JSON object, got a string",
                reject(put(T0, ID, "\"s\"")).getMessage());
        assertEquals("put.object.properties_json: must be a JSON object, got null",
                reject(put(T0, ID, "null")).getMessage());
        assertEquals("merge.properties_json: must be a JSON object, got an array",
                reject(merge(T0, ID, "[]")).getMessage());
    }

    @Test
    void propertiesMustBeValidJson() {
        for (String bad : new String[] {"{", "{\"a\":}", "{} {}", "{'a':1}", "{\"a\":1,\"a\":2}", "   "}) {
            ObjectValidationException e = reject(put(T0, ID, bad));
            assertEquals("put.object.properties_json", e.field(), bad);
            assertTrue(e.getMessage().startsWith("put.object.properties_json: not valid JSON"), e.getMessage());
        }
        assertTrue(reject(put(T0, ID, "{\"a\":1,\"a\":2}")).getMessage().contains("Duplicate field 'a'"));
    }

    @Test
    void oversizedObjects() {
        String big = "{\"text\":\"" + "x".repeat(600) + "\"}";
        ObjectValidationException e = reject(put(T0, ID, big));
        assertEquals("put.object", e.field());
        assertTrue(e.getMessage().contains("more than the index limit of 600"), e.getMessage());
        assertEquals("merge", reject(merge(T0, ID, big)).field());
        validator.validate(put(T0, ID, "{\"text\":\"" + "x".repeat(400) + "\"}", 1, 2, 3, 4)); // fits
    }

    @Test
    void batches() {
        assertEquals("puts: batch must not be empty", reject(putBatch(T0)).getMessage());
        assertEquals("deletes: batch must not be empty", reject(deleteBatch(T0)).getMessage());

        PutObject ok = putItem(ID, "{}", 1, 2, 3, 4);
        ObjectValidationException e = reject(putBatch(T0, ok, ok, ok, putItem(ID, "{}", 1, 2, 3), ok));
        assertEquals("puts[3].object.vector: expected 4 dimensions, got 3", e.getMessage());
        assertEquals("puts[1].object.properties_json: must be a JSON object, got an array",
                reject(putBatch(T0, ok, putItem(ID, "[]"))).getMessage());
        assertEquals("deletes[2].id", reject(deleteBatch(T0, deleteItem(ID), deleteItem(ID), deleteItem("zz"))).field());
        assertEquals("puts[0].object: missing",
                reject(putBatch(T0, PutObject.getDefaultInstance())).getMessage());
    }

    @Test
    void commandWithoutOp() {
        assertEquals("op: command has no operation", reject(Command.newBuilder().setProposedAtMillis(T0).build()).getMessage());
    }

    @Test
    void schemaValidation() {
        assertEquals(IndexSchema.DEFAULT_MAX_OBJECT_BYTES, new IndexSchema("i", 1, Distance.DOT).maxObjectBytes());
        assertEquals(65_536, new IndexSchema("i", 65_536, Distance.DOT).dimensions());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new IndexSchema("i", 0, Distance.DOT))
                .getMessage().startsWith("dimensions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new IndexSchema("i", 65_537, Distance.DOT))
                .getMessage().startsWith("dimensions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new IndexSchema(" ", 3, Distance.DOT))
                .getMessage().startsWith("name"));
        assertTrue(assertThrows(NullPointerException.class, () -> new IndexSchema("i", 3, null))
                .getMessage().startsWith("distance"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new IndexSchema("i", 3, Distance.L2, 0))
                .getMessage().startsWith("maxObjectBytes"));
    }
}

package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlReaderTest {

    private static JsonlReader reader(String text) {
        return new JsonlReader(new BufferedReader(new StringReader(text)));
    }

    @Test
    void readsGoodLinesInBatchesSkippingBlankLines() throws Exception {
        String text = """
                {"id":"a","properties":{"n":1.50,"s":"x"},"vector":[1,2.5]}

                {"id":"b","properties":{}}
                {"id":"c"}
                {"id":"d","properties":{"nested":{"k":[1,null]}},"vector":null}
                """;
        try (JsonlReader reader = reader(text)) {
            List<PutObject> first = reader.nextBatch(3);
            assertEquals(3, first.size());
            ObjectData a = first.get(0).getObject();
            assertEquals("a", a.getId());
            assertEquals("{\"n\":1.50,\"s\":\"x\"}", a.getPropertiesJson(), "numbers are kept exactly");
            assertEquals(List.of(1f, 2.5f), a.getVector().getValuesList());
            assertFalse(first.get(1).getObject().hasVector());
            assertEquals("{}", first.get(2).getObject().getPropertiesJson());
            assertFalse(first.get(0).hasExpectedVersion());
            List<PutObject> second = reader.nextBatch(3);
            assertEquals(1, second.size());
            assertFalse(second.get(0).getObject().hasVector());
            assertEquals(5, reader.lineNumber());
            assertTrue(reader.nextBatch(3).isEmpty());
        }
    }

    @Test
    void badLineNamesItsLineNumber() {
        String[][] cases = {
                {"{\"id\":\"a\"}\n{\"id\":\"b\",", "line 2: not valid JSON"},
                {"[1,2]", "line 1: expected a JSON object"},
                {"{\"properties\":{}}", "line 1: \"id\" must be a non-empty string"},
                {"{\"id\":7}", "line 1: \"id\" must be a non-empty string"},
                {"{\"id\":\"a\",\"properties\":[1]}", "line 1: \"properties\" must be a JSON object"},
                {"{\"id\":\"a\",\"vector\":\"1,2\"}", "line 1: \"vector\" must be an array"},
                {"{\"id\":\"a\",\"vector\":[1,true]}", "line 1: vector value 2 is not a number"},
                {"{\"id\":\"a\",\"vector\":[1e999]}", "line 1: vector value 1 is out of float range"},
                {"{\"id\":\"a\",\"vectors\":[1]}", "line 1: unknown field 'vectors'"},
                {"{\"id\":\"a\",\"id\":\"b\"}", "line 1: not valid JSON"},
                {"{\"id\":\"a\"} {}", "line 1: not valid JSON"},
        };
        for (String[] c : cases) {
            JsonlLineException e = assertThrows(JsonlLineException.class, () -> reader(c[0]).nextBatch(10), c[0]);
            assertTrue(e.getMessage().startsWith(c[1]), () -> c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void aBadLineFailsItsWholeBatch() {
        JsonlReader reader = reader("{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n{oops}\n");
        assertEquals(2, reader.nextBatch(2).size());
        JsonlLineException e = assertThrows(JsonlLineException.class, () -> reader.nextBatch(2));
        assertEquals(4, e.line());
    }
}

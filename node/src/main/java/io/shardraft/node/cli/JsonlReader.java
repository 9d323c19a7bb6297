package io.shardraft.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the import format, one object per line: {@code {"id":..,"properties":{..},"vector":[..]}}
 * ({@code properties} defaults to {}, {@code vector} may be absent or null; blank lines are skipped).
 * A bad line fails with its line number before any object of its batch is handed out.
 */
final class JsonlReader implements AutoCloseable {

    private static final Set<String> FIELDS = Set.of("id", "properties", "vector");

    private final BufferedReader in;
    private long lineNumber;

    JsonlReader(BufferedReader in) {
        this.in = in;
    }

    /** The next up to {@code max} objects; an empty list at the end of the input. */
    List<PutObject> nextBatch(int max) {
        List<PutObject> batch = new ArrayList<>(Math.min(max, 1024));
        try {
            while (batch.size() < max) {
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                lineNumber++;
                if (!line.isBlank()) {
                    batch.add(PutObject.newBuilder().setObject(parseLine(line, lineNumber)).build());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading line " + (lineNumber + 1) + ": " + e.getMessage(), e);
        }
        return batch;
    }

    /** Lines read so far. */
    long lineNumber() {
        return lineNumber;
    }

    /** One line of the format as an object. */
    static ObjectData parseLine(String line, long lineNumber) {
        JsonNode node;
        try {
            node = CliJson.parse(line);
        } catch (JsonProcessingException e) {
            throw new JsonlLineException(lineNumber, "not valid JSON: " + CliJson.describe(e));
        } catch (IllegalArgumentException e) {
            throw new JsonlLineException(lineNumber, e.getMessage());
        }
        if (!node.isObject()) {
            throw new JsonlLineException(lineNumber, "expected a JSON object, got " + node.getNodeType().name().toLowerCase());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!FIELDS.contains(field)) {
                throw new JsonlLineException(lineNumber, "unknown field '" + field + "' (expected id, properties, vector)");
            }
        }
        JsonNode id = node.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new JsonlLineException(lineNumber, "\"id\" must be a non-empty string");
        }
        ObjectData.Builder object = ObjectData.newBuilder().setId(id.asText());
        JsonNode properties = node.get("properties");
        if (properties == null || properties.isNull()) {
            object.setPropertiesJson("{}");
        } else if (properties.isObject()) {
            object.setPropertiesJson(CliJson.write(properties));
        } else {
            throw new JsonlLineException(lineNumber, "\"properties\" must be a JSON object");
        }
        JsonNode vector = node.get("vector");
        if (vector != null && !vector.isNull()) {
            if (!vector.isArray()) {
                throw new JsonlLineException(lineNumber, "\"vector\" must be an array of numbers");
            }
            Vector.Builder values = Vector.newBuilder();
            for (int i = 0; i < vector.size(); i++) {
                JsonNode value = vector.get(i);
                if (!value.isNumber()) {
                    throw new JsonlLineException(lineNumber, "vector value " + (i + 1) + " is not a number");
                }
                float f = value.floatValue();
                if (!Float.isFinite(f)) {
                    throw new JsonlLineException(lineNumber, "vector value " + (i + 1) + " is out of float range");
                }
                values.addValues(f);
            }
            object.setVector(values);
        }
        return object.build();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

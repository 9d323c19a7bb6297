package io.shardraft.node.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The one JSON dialect of the store: strict parsing (no duplicate keys, no trailing tokens, numbers kept
 * as exact decimals) and a normalized text form (keys sorted, compact) so equal property sets are stored
 * byte for byte alike.
 */
final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // keep numbers exact: doubles would turn 1e400 into "Infinity" and round long fractions
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .build();

    private Json() {
    }

    /** Parses any JSON value. */
    static JsonNode parse(String text) throws JsonProcessingException {
        JsonNode node = MAPPER.readTree(text);
        if (node == null || node.isMissingNode()) {
            throw new JsonParseProblem("empty document");
        }
        return node;
    }

    /** Parses text that the store wrote itself (always a JSON object). */
    static ObjectNode parseStoredObject(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("stored properties are not valid JSON", e);
        }
    }

    /** The normalized text form: compact, keys sorted at every level. */
    static String normalize(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A short description of why {@code e} failed, without Jackson's source excerpt. */
    static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (e.getLocation() != null) {
            msg += " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        return msg;
    }

    /** Raised for documents Jackson accepts but the store does not (e.g. empty text). */
    static final class JsonParseProblem extends JsonProcessingException {
        JsonParseProblem(String msg) {
            super(msg);
        }
    }
}

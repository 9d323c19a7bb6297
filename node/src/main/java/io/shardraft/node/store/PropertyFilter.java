package io.shardraft.node.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.Objects;

/**
 * Equality on one top-level property: an object matches when it has the property and its value equals
 * the given JSON value (numbers compare by value, so {@code 1} equals {@code 1.0}).
 */
public final class PropertyFilter {

    /** Orders numbers by value and treats everything else by structural equality. */
    private static final Comparator<JsonNode> VALUE_EQUALITY = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private final String name;
    private final JsonNode value;

    private PropertyFilter(String name, JsonNode value) {
        this.name = name;
        this.value = value;
    }

    /**
     * A filter for {@code name == value}.
     *
     * @param valueJson the JSON text of the value, e.g. {@code "\"red\""}, {@code 42}, {@code true}
     * @throws IllegalArgumentException if {@code valueJson} is not valid JSON
     */
    public static PropertyFilter equalTo(String name, String valueJson) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueJson, "valueJson");
        try {
            return new PropertyFilter(name, Json.parse(valueJson));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("filter value for '" + name + "' is not valid JSON: "
                    + Json.describe(e), e);
        }
    }

    public String name() {
        return name;
    }

    /** The value in normalized JSON text. */
    public String valueJson() {
        return Json.normalize(value);
    }

    boolean matches(ObjectNode properties) {
        JsonNode actual = properties.get(name);
        return actual != null && actual.equals(VALUE_EQUALITY, value);
    }

    @Override
    public String toString() {
        return name + " == " + valueJson();
    }
}

package io.shardraft.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --props}: a JSON object, handed on in compact form. */
final class JsonObjectConverter implements ITypeConverter<String> {

    @Override
    public String convert(String value) {
        JsonNode node;
        try {
            node = CliJson.parse(value);
        } catch (JsonProcessingException e) {
            throw new TypeConversionException("not valid JSON: " + CliJson.describe(e));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
        if (!node.isObject()) {
            throw new TypeConversionException("expected a JSON object like {\"name\":\"x\"}, got " + value);
        }
        return CliJson.write(node);
    }
}

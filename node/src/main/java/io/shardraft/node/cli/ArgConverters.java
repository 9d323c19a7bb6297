package io.shardraft.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.shardraft.api.v1.Consistency;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsing of the typed command-line arguments; a failure here is a usage error (exit 2). */
final class ArgConverters {

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private ArgConverters() {
    }

    /** {@code v1,v2,...} (optionally in brackets, spaces allowed) to finite floats. */
    static float[] parseVector(String text) {
        String body = text.strip();
        if (body.startsWith("[") && body.endsWith("]")) {
            body = body.substring(1, body.length() - 1).strip();
        }
        if (body.isEmpty()) {
            throw new TypeConversionException("a vector needs at least one value");
        }
        String[] parts = body.split(",", -1);
        float[] values = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (!NUMBER.matcher(part).matches()) {
                throw new TypeConversionException("vector value " + (i + 1) + " is not a number: '" + part + "'");
            }
            float value = Float.parseFloat(part);
            if (!Float.isFinite(value)) {
                throw new TypeConversionException("vector value " + (i + 1) + " is out of float range: '" + part + "'");
            }
            values[i] = value;
        }
        return values;
    }

    /** {@code name=jsonValue}: an equality filter on a top-level property. */
    static PropertyFilterArg parseFilter(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new TypeConversionException("expected property=jsonValue, got '" + text + "'");
        }
        String name = text.substring(0, eq).strip();
        String value = text.substring(eq + 1).strip();
        if (name.isEmpty()) {
            throw new TypeConversionException("expected property=jsonValue, got '" + text + "'");
        }
        try {
            CliJson.parse(value);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new TypeConversionException("filter value of '" + name + "' is not JSON: " + value
                    + " (a string needs quotes, e.g. " + name + "='\"text\"')");
        }
        return new PropertyFilterArg(name, CliJson.compact(value));
    }

    static Consistency parseConsistency(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "strong" -> Consistency.STRONG;
            case "direct" -> Consistency.DIRECT;
            case "eventual" -> Consistency.EVENTUAL;
            default -> throw new TypeConversionException(
                    "consistency must be one of strong, direct, eventual; got '" + text + "'");
        };
    }

    static String parseMetric(String text) {
        String metric = text.strip().toLowerCase(Locale.ROOT);
        return switch (metric) {
            case "cosine", "dot", "l2" -> metric;
            default -> throw new TypeConversionException("metric must be one of cosine, dot, l2; got '" + text + "'");
        };
    }

    static final class VectorConverter implements ITypeConverter<VectorArg> {
        @Override
        public VectorArg convert(String value) {
            return new VectorArg(parseVector(value));
        }
    }

    static final class FilterConverter implements ITypeConverter<PropertyFilterArg> {
        @Override
        public PropertyFilterArg convert(String value) {
            return parseFilter(value);
        }
    }

    static final class ConsistencyConverter implements ITypeConverter<Consistency> {
        @Override
        public Consistency convert(String value) {
            return parseConsistency(value);
        }
    }

    static final class MetricConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return parseMetric(value);
        }
    }

    static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            try {
                return HostPort.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

package io.shardraft.chaos.history;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of one run, kept in invoke order. Stored as JSON Lines: one {@link Operation} per line.
 */
public record History(List<Operation> operations) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public History {
        List<Operation> sorted = new ArrayList<>(operations);
        sorted.sort(Comparator.comparingLong(Operation::invokeNanos).thenComparingLong(Operation::id));
        operations = List.copyOf(sorted);
    }

    public int size() {
        return operations.size();
    }

    /** The operations of each key, in invoke order, keys in order of first appearance. */
    public Map<String, List<Operation>> byKey() {
        Map<String, List<Operation>> keys = new LinkedHashMap<>();
        for (Operation op : operations) {
            keys.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        keys.replaceAll((k, ops) -> List.copyOf(ops));
        return keys;
    }

    /** The earliest invoke time, the origin of relative times in reports (0 for an empty history). */
    public long originNanos() {
        return operations.isEmpty() ? 0 : operations.get(0).invokeNanos();
    }

    public void writeJsonl(Writer out) throws IOException {
        for (Operation op : operations) {
            out.write(JSON.writeValueAsString(op));
            out.write('\n');
        }
        out.flush();
    }

    public void writeJsonl(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writeJsonl(out);
        }
    }

    /** Reads a history written by {@link #writeJsonl}; blank lines are skipped. */
    public static History readJsonl(Reader in) throws IOException {
        List<Operation> ops = new ArrayList<>();
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String line;
        int number = 0;
        while ((line = lines.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                ops.add(JSON.readValue(line, Operation.class));
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("history line " + number + ": " + e.getMessage(), e);
            }
        }
        return new History(ops);
    }

    public static History readJsonl(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return readJsonl(in);
        }
    }

    /** The JSONL text, for small histories and tests. */
    public String toJsonl() {
        var out = new java.io.StringWriter();
        try {
            writeJsonl(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}

package io.shardraft.node.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.DeleteBatch;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutBatch;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks a command against an index schema before it is proposed, so that nothing invalid reaches the
 * log and nothing is ever partially written. {@link #validate} returns the command in normalized form and marked
 * admitted ({@link Command#getAdmitted()}: the shard applies it without checking it again), which is what should be
 * proposed:
 * <ul>
 *   <li>ids must be canonical UUIDs (8-4-4-4-12 hex digits) in any case; they are returned lower-case;</li>
 *   <li>properties must be a JSON object (empty text counts as {@code {}}) without duplicate keys; they
 *       are returned in normalized form (compact, keys sorted);</li>
 *   <li>a merge patch, when present, must be a JSON object too (keys with {@code null} remove);</li>
 *   <li>a vector must have exactly {@link IndexSchema#dimensions()} finite components;</li>
 *   <li>the object's serialized size ({@link ObjectData} protobuf bytes) must not exceed
 *       {@link IndexSchema#maxObjectBytes()}; for a merge, the patch itself is checked here and the
 *       merged result again at apply time;</li>
 *   <li>a batch must have at least one item; a command must have an op.</li>
 * </ul>
 * Failures throw {@link ObjectValidationException} whose message starts with the field path, e.g.
 * {@code puts[3].object.vector: expected 8 dimensions, got 7}. The shard runs the same item checks at
 * apply time and reports a failing item as {@code ITEM_REJECTED}.
 */
public final class ObjectValidator {

    /** Length of a canonical UUID, 8-4-4-4-12 hex digits. */
    private static final int UUID_LENGTH = 36;

    private final IndexSchema schema;

    public ObjectValidator(IndexSchema schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    public IndexSchema schema() {
        return schema;
    }

    /**
     * Validates {@code command} and returns it normalized (lower-case ids, normalized properties) and admitted.
     *
     * @throws ObjectValidationException naming the first offending field
     */
    public Command validate(Command command) {
        Command.Builder out = command.toBuilder().setAdmitted(true);
        switch (command.getOpCase()) {
            case PUT -> out.setPut(checkPut(command.getPut(), "put"));
            case MERGE -> out.setMerge(checkMerge(command.getMerge(), "merge"));
            case DELETE -> out.setDelete(checkDelete(command.getDelete(), "delete"));
            case PUT_BATCH -> {
                PutBatch batch = command.getPutBatch();
                if (batch.getPutsCount() == 0) {
                    throw new ObjectValidationException("puts", "batch must not be empty");
                }
                PutBatch.Builder b = PutBatch.newBuilder();
                for (int i = 0; i < batch.getPutsCount(); i++) {
                    b.addPuts(checkPut(batch.getPuts(i), "puts[" + i + "]"));
                }
                out.setPutBatch(b);
            }
            case DELETE_BATCH -> {
                DeleteBatch batch = command.getDeleteBatch();
                if (batch.getDeletesCount() == 0) {
                    throw new ObjectValidationException("deletes", "batch must not be empty");
                }
                DeleteBatch.Builder b = DeleteBatch.newBuilder();
                for (int i = 0; i < batch.getDeletesCount(); i++) {
                    b.addDeletes(checkDelete(batch.getDeletes(i), "deletes[" + i + "]"));
                }
                out.setDeleteBatch(b);
            }
            case OP_NOT_SET -> throw new ObjectValidationException("op", "command has no operation");
            default -> throw new ObjectValidationException("op", "unsupported operation " + command.getOpCase());
        }
        return out.build();
    }

    PutObject checkPut(PutObject put, String path) {
        if (!put.hasObject()) {
            throw new ObjectValidationException(path + ".object", "missing");
        }
        ObjectData object = put.getObject();
        String objectPath = path + ".object";
        ObjectData.Builder normalized = object.toBuilder()
                .setId(canonicalId(object.getId(), objectPath + ".id"))
                .setPropertiesJson(normalizedProperties(object.getPropertiesJson(), objectPath + ".properties_json"));
        if (object.hasVector()) {
            checkVector(object.getVector(), objectPath + ".vector");
        }
        ObjectData result = normalized.build();
        checkSize(result, objectPath);
        return put.toBuilder().setObject(result).build();
    }

    MergeObject checkMerge(MergeObject merge, String path) {
        MergeObject.Builder normalized = merge.toBuilder().setId(canonicalId(merge.getId(), path + ".id"));
        if (merge.hasPropertiesJson()) {
            normalized.setPropertiesJson(normalizedProperties(merge.getPropertiesJson(), path + ".properties_json"));
        }
        if (merge.hasVector()) {
            checkVector(merge.getVector(), path + ".vector");
        }
        MergeObject result = normalized.build();
        ObjectData.Builder asObject = ObjectData.newBuilder()
                .setId(result.getId())
                .setPropertiesJson(result.getPropertiesJson());
        if (result.hasVector()) {
            asObject.setVector(result.getVector());
        }
        checkSize(asObject.build(), path);
        return result;
    }

    DeleteObject checkDelete(DeleteObject delete, String path) {
        return delete.toBuilder().setId(canonicalId(delete.getId(), path + ".id")).build();
    }

    /** Throws unless the merged or written object fits {@link IndexSchema#maxObjectBytes()}. */
    void checkSize(ObjectData object, String path) {
        int size = object.getSerializedSize();
        if (size > schema.maxObjectBytes()) {
            throw new ObjectValidationException(path, "object is " + size
                    + " bytes serialized, more than the index limit of " + schema.maxObjectBytes());
        }
    }

    /** The lower-case form of a canonical UUID in any case. */
    public static String canonicalId(String id, String field) {
        if (id.isEmpty()) {
            throw new ObjectValidationException(field, "must not be empty");
        }
        if (!isCanonicalUuid(id)) {
            throw new ObjectValidationException(field,
                    "not a canonical UUID (8-4-4-4-12 hex digits): '" + abbreviate(id) + "'");
        }
        return id.toLowerCase(Locale.ROOT);
    }

    /** 8-4-4-4-12 ASCII hex digits, either case. A loop, not a regex: every replica checks every id at apply. */
    private static boolean isCanonicalUuid(String id) {
        if (id.length() != UUID_LENGTH) {
            return false;
        }
        for (int i = 0; i < UUID_LENGTH; i++) {
            char c = id.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23
                    ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String normalizedProperties(String json, String field) {
        if (json.isEmpty()) {
            return "{}";
        }
        JsonNode node;
        try {
            node = Json.parse(json);
        } catch (JsonProcessingException e) {
            throw new ObjectValidationException(field, "not valid JSON: " + Json.describe(e));
        }
        if (!node.isObject()) {
            throw new ObjectValidationException(field, "must be a JSON object, got " + describeType(node));
        }
        return Json.normalize(node);
    }

    private void checkVector(Vector vector, String field) {
        int n = vector.getValuesCount();
        if (n != schema.dimensions()) {
            throw new ObjectValidationException(field,
                    "expected " + schema.dimensions() + " dimensions, got " + n);
        }
        for (int i = 0; i < n; i++) {
            float v = vector.getValues(i);
            if (Float.isNaN(v)) {
                throw new ObjectValidationException(field, "component " + i + " is NaN");
            }
            if (Float.isInfinite(v)) {
                throw new ObjectValidationException(field, "component " + i + " is " + v);
            }
        }
    }

    private static String describeType(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}

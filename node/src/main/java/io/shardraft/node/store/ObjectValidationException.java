package io.shardraft.node.store;

/**
 * A command that must not be proposed: its message starts with the path of the offending field, e.g.
 * {@code puts[3].object.vector: expected 8 dimensions, got 7}.
 */
public final class ObjectValidationException extends IllegalArgumentException {

    private final String field;

    public ObjectValidationException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The path of the offending field, e.g. {@code puts[3].object.vector}. */
    public String field() {
        return field;
    }
}

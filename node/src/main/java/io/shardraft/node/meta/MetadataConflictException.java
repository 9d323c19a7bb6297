package io.shardraft.node.meta;

/** An index of that name exists with another definition (gRPC ALREADY_EXISTS). */
public final class MetadataConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataConflictException(String message) {
        super(message);
    }
}

package io.shardraft.cluster.log;

/**
 * A group's Raft meta in the shared store cannot be trusted (checksum mismatch, torn or unknown record).
 * The group must not start: resetting its term or vote could let it vote twice in one term.
 */
public final class DamagedMetaException extends RuntimeException {
    DamagedMetaException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.shardraft.cluster.log;

/** A RocksDB failure of the shared log store. */
final class LogStoreException extends RuntimeException {
    LogStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.shardraft.cluster.log;

/**
 * Counters of the shared log store since it was opened.
 *
 * @param writes   write batches (one per group append, truncation or purge)
 * @param walSyncs WAL fsyncs; fewer than {@code writes} when groups' batches were committed together
 */
public record LogStoreStats(long writes, long walSyncs) {
}

package io.shardraft.cluster.data;

/** How a Router's writes went: applied on a local leader, forwarded, and retry attempts made. */
public record RouterCounters(long localWrites, long forwardedWrites, long retries) {
}

package io.shardraft.bench;

import io.shardraft.bench.ClosedLoop.OpFailure;
import java.util.List;

/**
 * A key-value store measured beside shardraft (etcd, RheaKV), with the operations the workloads map onto. Each
 * call is one client request and blocks until it is answered; implementations are thread-safe.
 */
interface KvPeer extends AutoCloseable {

    /** The system's name in every output. */
    String system();

    /** A single-key put ({@code put}). */
    void put(byte[] key, byte[] value) throws OpFailure;

    /** One atomic batch of puts ({@code import}: etcd a txn, RheaKV a put(List&lt;KVEntry&gt;)). */
    void putAll(List<byte[]> keys, List<byte[]> values) throws OpFailure;

    /** A get; {@code linearizable} true for {@code get-strong}, false for {@code get-eventual}. Null if absent. */
    byte[] get(byte[] key, boolean linearizable) throws OpFailure;

    /**
     * {@code merge}: a read-modify-write of an existing key; {@code patch} rewrites the value read. A linearizable
     * read and a write conditional on it, retried (at most {@value #MERGE_ATTEMPTS} times) when another client
     * wrote in between.
     */
    void readModifyWrite(byte[] key, java.util.function.UnaryOperator<byte[]> patch) throws OpFailure;

    int MERGE_ATTEMPTS = 10;

    /** A short description of what it runs, for reports (version, members, durability). */
    String describe();

    @Override
    void close();
}

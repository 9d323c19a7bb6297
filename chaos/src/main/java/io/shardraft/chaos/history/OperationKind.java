package io.shardraft.chaos.history;

/** What a client did to one key (object id). */
public enum OperationKind {
    /** An unconditional put of a value unique in the whole history. */
    WRITE,
    /** A get at consistency STRONG. */
    READ,
    /** A put with an expected value (the workload sends the expected value's version); writes a new unique value. */
    CAS
}

package io.shardraft.chaos.history;

/** How an operation ended, as far as the client can tell. */
public enum Outcome {
    /** Acknowledged: a write/CAS was applied, a read returned what {@link Operation#observed()} holds. */
    OK,
    /**
     * A CAS that definitely did not apply because the current value was not the expected one
     * ({@code ITEM_CONFLICT}). It constrains the order like a read does, so the checker keeps it.
     */
    CONFLICT,
    /** Definitely not applied, and nothing was learned (e.g. rejected before reaching the log). */
    FAIL,
    /** Maybe applied (timeout, UNAVAILABLE after sending, the client gave up): the checker allows both. */
    UNKNOWN
}

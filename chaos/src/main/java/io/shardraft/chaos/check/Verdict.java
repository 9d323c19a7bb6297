package io.shardraft.chaos.check;

/** What the linearizability search concluded for one key. */
public enum Verdict {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    /** The search hit its explored-state limit before deciding: neither proven nor refuted. */
    SEARCH_LIMIT
}

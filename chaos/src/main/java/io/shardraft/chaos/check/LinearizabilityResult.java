package io.shardraft.chaos.check;

import java.util.List;

/** The linearizability verdict of every key of a history. */
public record LinearizabilityResult(List<KeyVerdict> keys) {

    public LinearizabilityResult {
        keys = List.copyOf(keys);
    }

    /** True only if every key was proven linearizable (an undecided key does not pass). */
    public boolean passed() {
        return keys.stream().allMatch(KeyVerdict::linearizable);
    }

    /** Keys proven non-linearizable. */
    public List<KeyVerdict> violations() {
        return keys.stream().filter(k -> k.verdict() == Verdict.NOT_LINEARIZABLE).toList();
    }

    /** Keys the search could not decide within its limit. */
    public List<KeyVerdict> undecided() {
        return keys.stream().filter(k -> k.verdict() == Verdict.SEARCH_LIMIT).toList();
    }

    public long exploredStates() {
        return keys.stream().mapToLong(KeyVerdict::exploredStates).sum();
    }
}

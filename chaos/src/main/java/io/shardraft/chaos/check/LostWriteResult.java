package io.shardraft.chaos.check;

import java.util.List;

/**
 * @param acknowledged how many acknowledged (OK) writes and CAS were checked
 * @param lost         those missing from the final state and not superseded
 */
public record LostWriteResult(int acknowledged, List<LostWrite> lost) {

    public LostWriteResult {
        lost = List.copyOf(lost);
    }

    public boolean passed() {
        return lost.isEmpty();
    }
}

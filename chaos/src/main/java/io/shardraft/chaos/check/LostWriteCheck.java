package io.shardraft.chaos.check;

import io.shardraft.chaos.history.History;
import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every acknowledged write must survive: after healing, its key holds its value, or it was superseded —
 * some other write/CAS to the key that was acknowledged or may have applied (OK or UNKNOWN) and did not
 * complete before this one was invoked, so it could have been ordered after it. UNKNOWN operations count
 * as completing at +infinity.
 */
public final class LostWriteCheck {

    private LostWriteCheck() {
    }

    /**
     * @param finalValues per key, the value read at STRONG after healing; a key missing from the map (or
     *                    mapped to {@code null}) was absent
     */
    public static LostWriteResult check(History history, Map<String, String> finalValues) {
        int acknowledged = 0;
        List<LostWrite> lost = new ArrayList<>();
        for (List<Operation> ops : history.byKey().values()) {
            for (Operation write : ops) {
                if (!write.mutates() || write.outcome() != Outcome.OK) {
                    continue;
                }
                acknowledged++;
                String finalValue = finalValues.get(write.key());
                if (Objects.equals(finalValue, write.value()) || superseded(write, ops)) {
                    continue;
                }
                lost.add(new LostWrite(write, finalValue));
            }
        }
        return new LostWriteResult(acknowledged, lost);
    }

    private static boolean superseded(Operation write, List<Operation> ops) {
        for (Operation other : ops) {
            if (other == write || !other.mayHaveWritten()) {
                continue;
            }
            boolean completedBefore = other.outcome() != Outcome.UNKNOWN
                    && other.completeNanos() < write.invokeNanos();
            if (!completedBefore) {
                return true;
            }
        }
        return false;
    }
}

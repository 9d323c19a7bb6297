package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;

/**
 * An acknowledged write missing from the final state with nothing that could have overwritten it.
 *
 * @param write      the acknowledged write or CAS
 * @param finalValue what the key held after healing, {@code null} = absent
 */
public record LostWrite(Operation write, String finalValue) {
}

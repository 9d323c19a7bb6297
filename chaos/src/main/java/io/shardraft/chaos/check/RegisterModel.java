package io.shardraft.chaos.check;

import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.OperationKind;
import io.shardraft.chaos.history.Outcome;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sequential specification the checker holds each key to: a register whose state is the last value
 * written (a string), initially absent. Values are interned to ints; state 0 is "absent".
 * <ul>
 *   <li>WRITE (OK or UNKNOWN): state := value.</li>
 *   <li>READ OK: legal only if state = observed (absent reads observe state 0).</li>
 *   <li>CAS OK: legal only if state = expected; state := value.</li>
 *   <li>CAS CONFLICT: legal only if state ≠ expected; state unchanged (a read-like check).</li>
 *   <li>CAS UNKNOWN: if state = expected then state := value, else unchanged (it ran and conflicted, which
 *       is indistinguishable from not running).</li>
 * </ul>
 * FAIL operations and reads that did not return OK carry no information and are not part of the model.
 */
final class RegisterModel {

    static final int ABSENT = 0;
    static final int ILLEGAL = -1;

    private static final byte WRITE = 0;
    private static final byte READ = 1;
    private static final byte CAS_OK = 2;
    private static final byte CAS_CONFLICT = 3;
    private static final byte CAS_UNKNOWN = 4;

    private final byte[] code;
    private final int[] first;
    private final int[] second;

    /** The operations the model constrains; everything else is left out of the search. */
    static boolean relevant(Operation op) {
        return switch (op.outcome()) {
            case OK, CONFLICT -> true;
            case UNKNOWN -> op.mutates();
            case FAIL -> false;
        };
    }

    RegisterModel(List<Operation> ops) {
        int n = ops.size();
        code = new byte[n];
        first = new int[n];
        second = new int[n];
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Operation op = ops.get(i);
            if (!relevant(op)) {
                throw new IllegalArgumentException("not part of the register model: " + op);
            }
            if (op.kind() == OperationKind.WRITE) {
                code[i] = WRITE;
                first[i] = intern(ids, op.value());
            } else if (op.kind() == OperationKind.READ) {
                code[i] = READ;
                first[i] = intern(ids, op.observed());
            } else {
                code[i] = op.outcome() == Outcome.OK ? CAS_OK
                        : op.outcome() == Outcome.CONFLICT ? CAS_CONFLICT : CAS_UNKNOWN;
                first[i] = intern(ids, op.expected());
                second[i] = intern(ids, op.value());
            }
        }
    }

    private static int intern(Map<String, Integer> ids, String value) {
        return value == null ? ABSENT : ids.computeIfAbsent(value, v -> ids.size() + 1);
    }

    /** True for operations that never change the state (a read, a CAS that conflicted). */
    boolean readOnly(int i) {
        return code[i] == READ || code[i] == CAS_CONFLICT;
    }

    /** The state after operation {@code i} runs on {@code state}, or {@link #ILLEGAL}. */
    int step(int state, int i) {
        return switch (code[i]) {
            case WRITE -> first[i];
            case READ -> state == first[i] ? state : ILLEGAL;
            case CAS_OK -> state == first[i] ? second[i] : ILLEGAL;
            case CAS_CONFLICT -> state != first[i] ? state : ILLEGAL;
            default -> state == first[i] ? second[i] : state;
        };
    }
}

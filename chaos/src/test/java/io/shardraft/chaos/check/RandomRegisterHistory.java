package io.shardraft.chaos.check;

import io.shardraft.chaos.history.History;
import io.shardraft.chaos.history.Operation;
import io.shardraft.chaos.history.OperationKind;
import io.shardraft.chaos.history.Outcome;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: each process issues operations one after
 * another with random gaps and durations; every operation that takes effect gets a random linearization
 * point inside its interval (an UNKNOWN one possibly after the client gave up), and the results are
 * computed by running a sequential register in linearization-point order.
 */
final class RandomRegisterHistory {

    private record Draft(long id, int process, String key, OperationKind kind, String value, String expected,
                         long invoke, long complete, Outcome fate, long point) {
    }

    /** Times are nanoseconds; durations are drawn in milliseconds. */
    private static final long MILLI = 1_000_000;

    private RandomRegisterHistory() {
    }

    /** A history and what the register holds at the end (what a read after healing returns). */
    record Generated(History history, Map<String, String> finalValues) {
    }

    static Generated generate(long seed, int processes, int keys, int operations) {
        return generate(seed, processes, keys, operations, 5);
    }

    /** @param unknownPercent share of operations whose outcome is UNKNOWN (as many again FAIL) */
    static Generated generate(long seed, int processes, int keys, int operations, int unknownPercent) {
        Random random = new Random(seed);
        long[] clock = new long[processes];
        Map<String, List<String>> written = new HashMap<>();
        List<Draft> drafts = new ArrayList<>();
        for (int id = 0; id < operations; id++) {
            int p = random.nextInt(processes);
            String key = "k" + random.nextInt(keys);
            long invoke = clock[p] + MILLI * random.nextInt(20);
            long complete = invoke + MILLI * (1 + random.nextInt(60));
            clock[p] = complete;
            int dice = random.nextInt(100);
            OperationKind kind = dice < 40 ? OperationKind.WRITE : dice < 80 ? OperationKind.READ : OperationKind.CAS;
            String value = kind == OperationKind.READ ? null : "v" + id;
            String expected = null;
            if (kind == OperationKind.CAS) {
                List<String> known = written.getOrDefault(key, List.of());
                // Mostly one of the latest values written (so many CAS succeed), sometimes absent.
                expected = known.isEmpty() || random.nextInt(10) == 0 ? null
                        : known.get(known.size() - 1 - random.nextInt(Math.min(3, known.size())));
            }
            if (value != null) {
                written.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
            int fate = random.nextInt(100);
            Outcome outcome = fate < 100 - 2 * unknownPercent ? Outcome.OK
                    : fate < 100 - unknownPercent ? Outcome.FAIL : Outcome.UNKNOWN;
            long point;
            if (outcome == Outcome.UNKNOWN && kind != OperationKind.READ && random.nextBoolean()) {
                point = -1; // never took effect
            } else if (outcome == Outcome.UNKNOWN) {
                point = invoke + (long) (random.nextDouble() * (complete - invoke + 200 * MILLI)); // maybe after the timeout
            } else {
                point = invoke + (long) (random.nextDouble() * (complete - invoke + 1));
            }
            drafts.add(new Draft(id, p, key, kind, value, expected, invoke, complete, outcome, point));
        }

        List<Draft> effective = new ArrayList<>();
        for (Draft d : drafts) {
            if (d.fate() != Outcome.FAIL && d.point() >= 0) {
                effective.add(d);
            }
        }
        effective.sort(Comparator.comparingLong(Draft::point).thenComparingLong(Draft::id));
        Map<String, String> register = new HashMap<>();
        Map<Long, Operation> done = new HashMap<>();
        long version = 0;
        for (Draft d : effective) {
            String current = register.get(d.key());
            Operation op = switch (d.kind()) {
                case WRITE -> {
                    register.put(d.key(), d.value());
                    version++;
                    yield Operation.write(d.id(), d.process(), d.key(), d.value(), d.invoke(), d.complete(),
                            d.fate(), d.fate() == Outcome.OK ? version : null);
                }
                case READ -> Operation.read(d.id(), d.process(), d.key(),
                        d.fate() == Outcome.OK ? current : null, d.invoke(), d.complete(), d.fate());
                case CAS -> {
                    boolean matches = Objects.equals(current, d.expected());
                    if (matches) {
                        register.put(d.key(), d.value());
                        version++;
                    }
                    Outcome outcome = d.fate() == Outcome.UNKNOWN ? Outcome.UNKNOWN
                            : matches ? Outcome.OK : Outcome.CONFLICT;
                    yield Operation.cas(d.id(), d.process(), d.key(), d.expected(), d.value(), d.invoke(),
                            d.complete(), outcome, outcome == Outcome.OK ? version : null);
                }
            };
            done.put(d.id(), op);
        }
        List<Operation> ops = new ArrayList<>();
        for (Draft d : drafts) {
            Operation op = done.get(d.id());
            if (op == null) { // FAIL, or UNKNOWN that never took effect
                op = new Operation(d.id(), d.process(), d.key(), d.kind(), d.value(), d.expected(), null,
                        d.invoke(), d.complete(), d.fate(), null);
            }
            ops.add(op);
        }
        return new Generated(new History(ops), register);
    }
}

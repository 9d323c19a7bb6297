package io.shardraft.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What the clients send; {@link #cliName()} is the name used in every output. */
enum Workload {
    /** Put of one new object. */
    PUT("put", false),
    /** BatchPut of --batch new objects. */
    IMPORT("import", false),
    /** Merge (JSON merge patch of one property) of a pre-loaded object. */
    MERGE("merge", true),
    /** Linearizable (Raft ReadIndex) get of a pre-loaded object. */
    GET_STRONG("get-strong", true),
    /** Get of a pre-loaded object from the answering node's replica as it is. */
    GET_EVENTUAL("get-eventual", true),
    /** kNN search (k = 10) with a random vector over the pre-loaded objects. */
    SEARCH("search", true),
    /** 50% get-strong, 30% put, 20% merge. */
    MIXED("mixed", true);

    private final String cliName;
    private final boolean needsPreload;

    Workload(String cliName, boolean needsPreload) {
        this.cliName = cliName;
        this.needsPreload = needsPreload;
    }

    String cliName() {
        return cliName;
    }

    /** Whether the index is filled with --keys objects before the run. */
    boolean needsPreload() {
        return needsPreload;
    }

    static Workload parse(String name) {
        for (Workload w : values()) {
            if (w.cliName.equals(name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "', expected one of " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(Workload::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName;
    }
}

package io.shardraft.cluster.data;

import io.shardraft.cluster.error.ReplicationException;
import java.util.regex.Pattern;

/** Validation of index and shard names, and the Raft group id derived from them. */
public final class Names {
    /** Letters, digits, '-' and single '_' (never "__", never at the end); starts with a letter or digit. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_))*");
    public static final int MAX_LENGTH = 128;

    private Names() {
    }

    /** Checks an index or shard name; INVALID_ARGUMENT with the rule otherwise. */
    public static String checkName(String what, String name) {
        if (name == null || name.length() > MAX_LENGTH || !NAME.matcher(name).matches() || name.endsWith("_")) {
            throw ReplicationException.invalid(what + " name '" + name + "' is invalid: use 1-" + MAX_LENGTH
                    + " letters, digits, '-' or single '_', starting with a letter or digit and not ending with '_'");
        }
        return name;
    }

    /**
     * The JRaft group id of a shard: {@code g_<index>__<shard>}. JRaft wants ids that start with a letter
     * and hold only letters, digits, '-' and '_'; since names never contain "__", the id is unambiguous.
     */
    public static String groupId(String index, String shard) {
        return "g_" + index + "__" + shard;
    }
}

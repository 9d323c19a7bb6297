package io.shardraft.cluster.spi;

import io.shardraft.api.v1.Command;

/** The commands that write one object (PUT, MERGE, DELETE), and the id of the object each names. */
public final class SingleObjectWrite {
    private SingleObjectWrite() {
    }

    /** Whether the command writes exactly one object. */
    public static boolean is(Command command) {
        return switch (command.getOpCase()) {
            case PUT, MERGE, DELETE -> true;
            default -> false;
        };
    }

    /** The id of the object the command writes, as the command spells it. */
    public static String objectId(Command command) {
        return switch (command.getOpCase()) {
            case PUT -> command.getPut().getObject().getId();
            case MERGE -> command.getMerge().getId();
            case DELETE -> command.getDelete().getId();
            default -> throw new IllegalArgumentException("not a single-object command: " + command.getOpCase());
        };
    }
}

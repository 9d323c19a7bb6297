package io.shardraft.chaos.run;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines of a chaos run (stderr), each stamped with the time of day. */
public final class ChaosLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final String prefix;

    public ChaosLog(String prefix) {
        this.prefix = prefix;
    }

    public void info(String message) {
        System.err.println(LocalTime.now().format(TIME) + " [" + prefix + "] " + message);
    }
}

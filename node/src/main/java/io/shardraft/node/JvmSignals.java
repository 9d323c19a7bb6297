package io.shardraft.node;

import java.util.Map;

/**
 * The environment a node's JVM needs for its signals. SOFAJRaft registers handlers on SIGUSR2 (it prints node
 * descriptions and metrics on it, with no switch to turn them off), and SIGUSR2 is HotSpot's thread suspend/resume
 * signal on Linux: JFR's sampler then gets no samples and each sample starts a handler thread that writes a
 * {@code node_describe.log} file into the working directory. {@code _JAVA_SR_SIGNUM} moves HotSpot's signal to an
 * unused real-time one. Whoever starts a node process sets it, and so should a host that embeds the module.
 */
public final class JvmSignals {
    /** HotSpot's variable naming its suspend/resume signal. */
    public static final String SUSPEND_SIGNAL_ENV = "_JAVA_SR_SIGNUM";
    /** A real-time signal nothing else in the process uses. */
    public static final String SUSPEND_SIGNAL = "40";

    private JvmSignals() {
    }

    /** Sets the variable in the environment of a process about to start a node JVM. */
    public static void applyTo(Map<String, String> environment) {
        environment.put(SUSPEND_SIGNAL_ENV, SUSPEND_SIGNAL);
    }
}

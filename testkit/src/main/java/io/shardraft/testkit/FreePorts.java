package io.shardraft.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on 127.0.0.1, never the same one twice in this JVM (so two callers never race for one). */
public final class FreePorts {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /** One free port. */
    public static int allocate() {
        return allocate(1)[0];
    }

    /** {@code n} distinct free ports. */
    public static synchronized int[] allocate(int n) {
        int[] out = new int[n];
        int i = 0;
        int attempts = 0;
        while (i < n) {
            if (++attempts > 100 * n) {
                throw new IllegalStateException("no fresh free port after " + attempts + " attempts");
            }
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(s.getLocalPort())) {
                    out[i++] = s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }
        return out;
    }
}

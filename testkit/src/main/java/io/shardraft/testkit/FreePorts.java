package io.shardraft.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Free TCP ports (on 127.0.0.1 unless a host is named), never the same one twice in this JVM (so two callers
 * never race for one). Used by tests, the chaos runner, the benchmarks and the CLI's local-cluster launcher.
 */
public final class FreePorts {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /** One free port. */
    public static int allocate() {
        return allocate(1)[0];
    }

    /** {@code n} distinct free ports on 127.0.0.1. */
    public static int[] allocate(int n) {
        return allocate(InetAddress.getLoopbackAddress(), n);
    }

    /** {@code n} distinct ports free on {@code host} (a name or address). */
    public static List<Integer> allocate(String host, int n) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports on " + host + ": " + e.getMessage(), e);
        }
        return Arrays.stream(allocate(address, n)).boxed().toList();
    }

    private static synchronized int[] allocate(InetAddress address, int n) {
        int[] out = new int[n];
        int i = 0;
        int attempts = 0;
        while (i < n) {
            if (++attempts > 100 * n) {
                throw new IllegalStateException("no fresh free port after " + attempts + " attempts");
            }
            try (ServerSocket s = new ServerSocket(0, 1, address)) {
                if (GIVEN.add(s.getLocalPort())) {
                    out[i++] = s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on " + address.getHostAddress(), e);
            }
        }
        return out;
    }
}

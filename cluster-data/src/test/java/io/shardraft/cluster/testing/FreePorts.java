package io.shardraft.cluster.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Distinct free TCP ports on 127.0.0.1. */
public final class FreePorts {
    private FreePorts() {
    }

    public static int[] allocate(int n) {
        Set<Integer> seen = new HashSet<>();
        int[] out = new int[n];
        int i = 0;
        while (i < n) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                if (seen.add(s.getLocalPort())) {
                    out[i++] = s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}

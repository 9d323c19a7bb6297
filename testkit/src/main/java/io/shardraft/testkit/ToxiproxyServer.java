package io.shardraft.testkit;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Toxiproxy server (v2.12.0, installed by {@code scripts/ensure-toxiproxy}) started on a free
 * 127.0.0.1 port for one test and stopped afterwards, with proxies that also listen on 127.0.0.1 only.
 */
public final class ToxiproxyServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final ToxiproxyClient client;

    private ToxiproxyServer(Process process, int port) {
        this.process = process;
        this.port = port;
        this.client = new ToxiproxyClient("127.0.0.1", port);
    }

    /** Starts the server; fails with how to install it when the binary cannot be found. */
    public static ToxiproxyServer start() {
        return start(ProcessBuilder.Redirect.DISCARD);
    }

    /**
     * Starts a server that outlives this JVM unless {@link #close() closed} (a local cluster's, stopped by
     * {@code cluster down}), its output appended to {@code logFile}.
     */
    public static ToxiproxyServer startDetached(Path logFile) {
        return start(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    }

    private static ToxiproxyServer start(ProcessBuilder.Redirect output) {
        Path binary = locate();
        int port = FreePorts.allocate();
        Process p;
        try {
            p = new ProcessBuilder(binary.toString(), "-host", "127.0.0.1", "-port", String.valueOf(port))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(output).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new ToxiproxyServer(p, port);
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    break;
                }
                sleep(20);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("toxiproxy-server did not come up on 127.0.0.1:" + port);
    }

    public static Path locate() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                candidates.add(Path.of(dir, "toxiproxy-server"));
            }
        }
        String gopath = System.getenv("GOPATH");
        candidates.add(Path.of(gopath != null ? gopath : System.getProperty("user.home") + "/go", "bin",
                "toxiproxy-server"));
        for (Path c : candidates) {
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        throw new IllegalStateException("toxiproxy-server not found on PATH or in $GOPATH/bin; install it with "
                + "scripts/ensure-toxiproxy (scripts/test-all does)");
    }

    /** The port of the server's HTTP API on 127.0.0.1. */
    public int port() {
        return port;
    }

    public ProcessHandle process() {
        return process.toHandle();
    }

    /** A proxy on a free 127.0.0.1 port to {@code upstream} ({@code host:port}). */
    public Proxy proxy(String name, String upstream) {
        int listen = FreePorts.allocate();
        try {
            return client.createProxy(name, "127.0.0.1:" + listen, upstream);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create proxy " + name, e);
        }
    }

    /** The port a proxy listens on. */
    public static int port(Proxy proxy) {
        String listen = proxy.getListen();
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

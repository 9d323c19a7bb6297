package io.shardraft.bench;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.shardraft.testkit.FreePorts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A three-member (or {@code n}-member) etcd cluster of real {@code etcd} processes (Debian's etcd-server) on
 * 127.0.0.1 free ports with their data in {@code dir}; started by {@link #start}, stopped by {@link #close()}.
 * Durability is etcd's default: the WAL is fsynced before a write is acknowledged.
 */
final class EtcdCluster implements AutoCloseable {

    /** Environment variable naming the etcd binary; otherwise {@code etcd} on PATH, then /usr/bin/etcd. */
    static final String BINARY_ENV = "SHARDRAFT_ETCD";
    static final String INSTALL_HINT = "install it with scripts/ensure-etcd (Debian: apt-get install etcd-server) "
            + "or set " + BINARY_ENV + " to the etcd binary";

    private final List<ChildProcess> members = new ArrayList<>();
    private final List<Address> clients = new ArrayList<>();
    private final String version;

    private EtcdCluster(String version) {
        this.version = version;
    }

    /** The etcd binary, or an IllegalStateException saying how to install it. */
    static Path binary() {
        String env = System.getenv(BINARY_ENV);
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(BINARY_ENV + "=" + env + " is not an executable file");
            }
            return p;
        }
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    candidates.add(Path.of(d, "etcd"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/etcd"));
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("etcd not found: " + INSTALL_HINT));
    }

    /** Starts {@code n} members and waits (at most {@code timeout}) until they have elected a leader. */
    static EtcdCluster start(Path dir, int n, int maxTxnOps, Duration timeout) throws InterruptedException {
        Path etcd = binary();
        EtcdCluster cluster = new EtcdCluster(version(etcd));
        try {
            int[] ports = FreePorts.allocate(2 * n);
            String initial = java.util.stream.IntStream.range(0, n)
                    .mapToObj(i -> "m" + (i + 1) + "=http://127.0.0.1:" + ports[2 * i + 1]).collect(Collectors.joining(","));
            for (int i = 0; i < n; i++) {
                String name = "m" + (i + 1);
                String client = "http://127.0.0.1:" + ports[2 * i];
                String peer = "http://127.0.0.1:" + ports[2 * i + 1];
                cluster.clients.add(new Address("127.0.0.1", ports[2 * i]));
                cluster.members.add(ChildProcess.start("etcd " + name, List.of(etcd.toString(),
                        "--name", name, "--data-dir", dir.resolve(name).toString(),
                        "--listen-client-urls", client, "--advertise-client-urls", client,
                        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                        "--initial-cluster", initial, "--initial-cluster-state", "new",
                        "--initial-cluster-token", "shardraft-bench-" + ports[0],
                        "--max-txn-ops", Integer.toString(maxTxnOps),
                        "--max-request-bytes", Integer.toString(32 * 1024 * 1024),
                        "--quota-backend-bytes", Long.toString(8L * 1024 * 1024 * 1024),
                        "--logger", "zap", "--log-level", "warn"), dir.resolve(name + ".log")));
            }
            cluster.awaitLeader(timeout);
            return cluster;
        } catch (InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static String version(Path etcd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().filter(l -> l.startsWith("etcd Version:")).map(l -> l.substring(13).strip())
                    .findFirst().orElse("unknown");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run " + etcd + " --version: " + e.getMessage(), e);
        }
    }

    String version() {
        return version;
    }

    List<Address> clientAddresses() {
        return List.copyOf(clients);
    }

    /** The client address of the member that leads now. */
    Address leader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            for (int i = 0; i < members.size(); i++) {
                if (!members.get(i).isAlive()) {
                    throw new IllegalStateException(members.get(i).describeExit());
                }
            }
            for (Address a : clients) {
                ManagedChannel ch = channel(a);
                try {
                    StatusResponse s = MaintenanceGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.SECONDS)
                            .status(StatusRequest.getDefaultInstance());
                    if (s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) {
                        return a;
                    }
                } catch (StatusRuntimeException e) {
                    last = a + ": " + e.getStatus().getCode();
                } finally {
                    ch.shutdownNow();
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("etcd elected no leader within " + timeout.toSeconds() + " s (" + last
                        + ")");
            }
            Thread.sleep(100);
        }
    }

    private void awaitLeader(Duration timeout) throws InterruptedException {
        leader(timeout);
    }

    static ManagedChannel channel(Address a) {
        return Grpc.newChannelBuilderForAddress(a.host(), a.port(), InsecureChannelCredentials.create())
                .maxInboundMessageSize(ClusterConnection.MAX_MESSAGE_BYTES).userAgent("shardraft-bench").build();
    }

    @Override
    public void close() {
        members.forEach(ChildProcess::close);
    }
}

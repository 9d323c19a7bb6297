package io.shardraft.bench;

import io.shardraft.testkit.FreePorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Three RheaKV nodes ({@code com.alipay.sofa:jraft-rheakv-core}), each {@link RheaKvNodeMain} in its own JVM
 * on this JVM's class path, on 127.0.0.1 free ports, data in {@code dir}; stopped by {@link #close()}.
 */
final class RheaKvCluster implements AutoCloseable {

    private final List<ChildProcess> nodes = new ArrayList<>();
    private final String serverList;

    private RheaKvCluster(String serverList) {
        this.serverList = serverList;
    }

    static RheaKvCluster start(Path dir, int n, List<String> jvmArgs) {
        int[] ports = FreePorts.allocate(n);
        String servers = java.util.Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        RheaKvCluster cluster = new RheaKvCluster(servers);
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int i = 0; i < n; i++) {
                List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Dsofa.middleware.log.disable=true"));
                cmd.addAll(jvmArgs);
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RheaKvNodeMain.class.getName(),
                        Integer.toString(ports[i]), servers, dir.resolve("node" + (i + 1)).toString()));
                cluster.nodes.add(ChildProcess.start("RheaKV node" + (i + 1), cmd, dir.resolve("node" + (i + 1) + ".log")));
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    String serverList() {
        return serverList;
    }

    /** An IllegalStateException if a node has exited. */
    void checkAlive() {
        for (ChildProcess p : nodes) {
            if (!p.isAlive()) {
                throw new IllegalStateException(p.describeExit());
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(ChildProcess::close);
    }
}

package io.shardraft.bench;

import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.rhea.client.DefaultRheaKVStore;
import com.alipay.sofa.jraft.rhea.options.PlacementDriverOptions;
import com.alipay.sofa.jraft.rhea.options.RheaKVStoreOptions;
import com.alipay.sofa.jraft.rhea.options.configured.MultiRegionRouteTableOptionsConfigured;
import com.alipay.sofa.jraft.rhea.options.configured.PlacementDriverOptionsConfigured;
import com.alipay.sofa.jraft.rhea.options.configured.RheaKVStoreOptionsConfigured;
import com.alipay.sofa.jraft.rhea.options.configured.RocksDBOptionsConfigured;
import com.alipay.sofa.jraft.rhea.options.configured.StoreEngineOptionsConfigured;
import com.alipay.sofa.jraft.rhea.storage.StorageType;
import com.alipay.sofa.jraft.util.Endpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One RheaKV store node in its own JVM ({@link RheaKvCluster} starts three): {@code RheaKvNodeMain PORT
 * SERVER_LIST DATA_DIR}, where SERVER_LIST is every node's {@code 127.0.0.1:port}. One region over all keys
 * (fake placement driver), RocksDB storage, the Raft log fsynced on every append (JRaft's
 * {@code RaftOptions.sync}, set explicitly). The node stops on SIGTERM and when its stdin closes (the bench that
 * started it exited).
 */
public final class RheaKvNodeMain {

    static final String CLUSTER_NAME = "shardraft-bench-rheakv";
    static final long REGION = -1L;

    private RheaKvNodeMain() {
    }

    /**
     * No placement driver ("fake"): one region, {@value #REGION}, over the whole key space, on every node of
     * {@code servers}; the nodes and the client route by it.
     */
    static PlacementDriverOptions placementDriver(String servers) {
        return PlacementDriverOptionsConfigured.newConfigured().withFake(true)
                .withRegionRouteTableOptionsList(MultiRegionRouteTableOptionsConfigured.newConfigured()
                        .withInitialServerList(REGION, servers).config())
                .config();
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: RheaKvNodeMain PORT SERVER_LIST DATA_DIR");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            System.err.println("RheaKvNodeMain: PORT must be a number, got '" + args[0] + "'");
            System.exit(2);
            return;
        }
        Path dir = Path.of(args[2]);
        NodeOptions raft = new NodeOptions();
        raft.getRaftOptions().setSync(true);
        RheaKVStoreOptions options = RheaKVStoreOptionsConfigured.newConfigured()
                .withClusterName(CLUSTER_NAME)
                .withInitialServerList(args[1])
                .withStoreEngineOptions(StoreEngineOptionsConfigured.newConfigured()
                        .withStorageType(StorageType.RocksDB)
                        .withRocksDBOptions(RocksDBOptionsConfigured.newConfigured()
                                .withDbPath(dir.resolve("db").toString()).config())
                        .withRaftDataPath(dir.resolve("raft").toString())
                        .withServerAddress(new Endpoint("127.0.0.1", port))
                        .withCommonNodeOptions(raft)
                        .config())
                .withPlacementDriverOptions(placementDriver(args[1]))
                .config();
        DefaultRheaKVStore store = new DefaultRheaKVStore();
        if (!store.init(options)) {
            System.err.println("RheaKvNodeMain: the store on port " + port + " did not start");
            System.exit(1);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            store.shutdown();
            stop.countDown();
        }, "rheakv-shutdown"));
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent on stdin; EOF means the parent is gone
                }
            } catch (IOException e) {
                // the same: the pipe broke
            }
            System.exit(0);
        }, "rheakv-parent-watch");
        watchdog.setDaemon(true);
        watchdog.start();
        System.out.println("RheaKV node 127.0.0.1:" + port + " started");
        stop.await();
    }
}

package io.shardraft.bench;

import com.alipay.sofa.jraft.rhea.client.DefaultRheaKVStore;
import com.alipay.sofa.jraft.rhea.options.RheaKVStoreOptions;
import com.alipay.sofa.jraft.rhea.options.configured.RheaKVStoreOptionsConfigured;
import com.alipay.sofa.jraft.rhea.storage.KVEntry;
import io.shardraft.bench.ClosedLoop.OpFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * RheaKV through its own client (a client-only {@code DefaultRheaKVStore}: it routes to the region leader and
 * batches concurrent requests as RheaKV does by default). put = bPut; import = bPut(List&lt;KVEntry&gt;) of B
 * entries; get-strong = bGet(readOnlySafe=true, a ReadIndex read); get-eventual = bGet(readOnlySafe=false);
 * merge = a safe bGet, then bCompareAndPut against the value read.
 */
final class RheaKvPeer implements KvPeer {

    static final String SYSTEM = CompareConfig.RHEAKV;
    static final String VERSION = "1.3.15.bugfix";

    private final DefaultRheaKVStore client = new DefaultRheaKVStore();

    /** A client of the nodes in {@code serverList} ({@code 127.0.0.1:port,...}); waits until they take a write. */
    RheaKvPeer(String serverList, Duration timeout) throws InterruptedException {
        RheaKVStoreOptions options = RheaKVStoreOptionsConfigured.newConfigured()
                .withClusterName(RheaKvNodeMain.CLUSTER_NAME)
                .withInitialServerList(serverList)
                .withFutureTimeoutMillis(timeout.toMillis())
                .withPlacementDriverOptions(RheaKvNodeMain.placementDriver(serverList))
                .config();
        if (!client.init(options)) {
            throw new IllegalStateException("the RheaKV client did not start");
        }
        awaitWritable(timeout);
    }

    /** Until a put succeeds: the nodes are up and have elected a leader. */
    private void awaitWritable(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos() * 2;
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                if (Boolean.TRUE.equals(client.bPut("shardraft-bench-probe", new byte[] {1}))) {
                    return;
                }
            } catch (Exception e) { // RheaKV's blocking calls also throw ExecutionException, undeclared
                last = e;
            }
            Thread.sleep(200);
        }
        client.shutdown();
        throw new IllegalStateException("RheaKV did not accept a write within " + timeout.toSeconds() * 2 + " s"
                + (last == null ? "" : ": " + last), last);
    }

    @Override
    public String system() {
        return SYSTEM;
    }

    /** One blocking RheaKV call; its failures (some thrown as undeclared checked exceptions) as an OpFailure. */
    @FunctionalInterface
    private interface Call<T> {
        T run() throws Exception;
    }

    private static <T> T call(Call<T> c) throws OpFailure {
        try {
            return c.run();
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new OpFailure(cause.getClass().getSimpleName());
        }
    }

    @Override
    public void put(byte[] key, byte[] value) throws OpFailure {
        if (!Boolean.TRUE.equals(call(() -> client.bPut(key, value)))) {
            throw new OpFailure("PUT_FAILED");
        }
    }

    @Override
    public void putAll(List<byte[]> keys, List<byte[]> values) throws OpFailure {
        List<KVEntry> entries = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            entries.add(new KVEntry(keys.get(i), values.get(i)));
        }
        if (!Boolean.TRUE.equals(call(() -> client.bPut(entries)))) {
            throw new OpFailure("PUT_FAILED");
        }
    }

    @Override
    public byte[] get(byte[] key, boolean linearizable) throws OpFailure {
        return call(() -> client.bGet(key, linearizable));
    }

    @Override
    public void readModifyWrite(byte[] key, UnaryOperator<byte[]> patch) throws OpFailure {
        for (int attempt = 0; attempt < MERGE_ATTEMPTS; attempt++) {
            byte[] current = call(() -> client.bGet(key, true));
            if (current == null) {
                throw new OpFailure("NOT_FOUND");
            }
            byte[] update = patch.apply(Arrays.copyOf(current, current.length));
            if (Boolean.TRUE.equals(call(() -> client.bCompareAndPut(key, current, update)))) {
                return;
            }
        }
        throw new OpFailure("CONFLICT");
    }

    @Override
    public String describe() {
        return "RheaKV " + VERSION + " on its jraft-core 1.3.15.bugfix, 3 nodes (one JVM each), RocksDB, Raft log fsync per append";
    }

    @Override
    public void close() {
        client.shutdown();
    }
}

package io.shardraft.cluster.data;

import com.alipay.remoting.Connection;
import com.alipay.remoting.ConnectionManager;
import com.alipay.remoting.ConnectionPool;
import com.alipay.remoting.DefaultConnectionManager;
import com.alipay.remoting.util.RunStateRecordedFutureTask;
import com.alipay.sofa.jraft.util.Endpoint;
import java.util.concurrent.ExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Repairs a SOFABolt (1.6.12) client that has stopped connecting to an address.
 *
 * <p>Bolt keeps one connection pool per address in {@code DefaultConnectionManager.connTasks}. When the
 * far side accepts a TCP connection and closes it at once — a Toxiproxy proxy (or any TCP proxy) whose
 * upstream node is down — connection creation races with the channel's close, and a pool can stay
 * registered with only a dead connection (its close was handled while the pool's creation task had not
 * finished, so nothing removed it) or, once Bolt's 10 s scanner has dropped that connection, with none.
 * Bolt never recovers from that by itself: its connection selection skips dead connections, so
 * {@code checkConnection} sees "no connection" and does not remove the dead one; the create-if-absent
 * path JRaft uses ({@code createConnectionInManagement}) finds the pool present and creates nothing; and
 * an empty pool expires only after 10 minutes. The Replicator then fails every RPC to the peer with
 * "Check connection … fail and try to create new one" although the peer is back.
 *
 * <p>{@link #dropIfUnusable} removes such a pool (only if it is finished, creates nothing in the
 * background and holds no usable connection), so the next check creates a fresh one.
 */
final class StaleConnectionPools {
    private static final Logger LOG = LogManager.getLogger(StaleConnectionPools.class);

    private final com.alipay.remoting.rpc.RpcClient bolt;

    StaleConnectionPools(com.alipay.remoting.rpc.RpcClient bolt) {
        this.bolt = bolt;
    }

    /** Drops the pool for {@code address} when it can no longer yield a connection; true if it did. */
    boolean dropIfUnusable(Endpoint address) {
        ConnectionManager manager = bolt.getConnectionManager();
        if (!(manager instanceof DefaultConnectionManager connections)) {
            return false;
        }
        String key = bolt.getAddressParser().parse(address.toString()).getUniqueKey();
        RunStateRecordedFutureTask<ConnectionPool> task = connections.getConnPools().get(key);
        if (task == null || !task.isDone()) {
            return false;
        }
        ConnectionPool pool;
        try {
            pool = task.get();
        } catch (ExecutionException failed) {
            return false; // a failed creation: Bolt removes its task itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (pool == null || !pool.isAsyncCreationDone() || pool.getAll().stream().anyMatch(Connection::isFine)) {
            return false;
        }
        if (!connections.getConnPools().remove(key, task)) {
            return false;
        }
        int dead = pool.size();
        pool.removeAllAndTryClose();
        LOG.debug("dropped the connection pool for {} ({} dead connection(s), none usable); the next check "
                + "creates a new one", address, dead);
        return true;
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.InvokeContext;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.Endpoint;

/**
 * What one JRaft node (or {@link NodeLiveness}) sees as its RPC client: a holder of the process's
 * {@link SharedRaftClient}. {@code init} and {@code shutdown} take and give back the shared client; the calls go
 * to it.
 */
final class GroupRaftClient implements RpcClient {
    private final SharedRaftClient shared;
    private volatile RpcClient client;
    private ReplicatorGroup listening;

    GroupRaftClient(SharedRaftClient shared) {
        this.shared = shared;
    }

    @Override
    public synchronized boolean init(RpcOptions opts) {
        if (client == null) {
            client = shared.acquire(opts);
        }
        return true;
    }

    @Override
    public synchronized void shutdown() {
        if (listening != null) {
            shared.unlisten(listening);
            listening = null;
        }
        if (client != null) {
            client = null;
            shared.release();
        }
    }

    @Override
    public synchronized void registerConnectEventListener(ReplicatorGroup replicatorGroup) {
        // JRaft registers before init; the shared client's listener asks every registered group
        listening = replicatorGroup;
        shared.listen(replicatorGroup);
    }

    /**
     * Does nothing: the connection to {@code endpoint} is every group's, and closing it for one would fail the
     * others' calls in flight. (JRaft 1.4.1 itself never closes one; a connection that breaks is replaced by the
     * next check.)
     */
    @Override
    public void closeConnection(Endpoint endpoint) {
    }

    @Override
    public boolean checkConnection(Endpoint endpoint) {
        return started().checkConnection(endpoint);
    }

    @Override
    public boolean checkConnection(Endpoint endpoint, boolean createIfAbsent) {
        return started().checkConnection(endpoint, createIfAbsent);
    }

    @Override
    public Object invokeSync(Endpoint endpoint, Object request, InvokeContext ctx, long timeoutMs)
            throws InterruptedException, RemotingException {
        return started().invokeSync(endpoint, request, ctx, timeoutMs);
    }

    @Override
    public void invokeAsync(Endpoint endpoint, Object request, InvokeContext ctx, InvokeCallback callback,
            long timeoutMs) throws InterruptedException, RemotingException {
        started().invokeAsync(endpoint, request, ctx, callback, timeoutMs);
    }

    private RpcClient started() {
        RpcClient c = client;
        if (c == null) {
            throw new IllegalStateException("this Raft RPC client is not started (or already shut down)");
        }
        return c;
    }
}

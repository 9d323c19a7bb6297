package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.InvokeContext;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.util.Endpoint;

/**
 * A JRaft RPC client that connects to a peer's route instead of the peer when one is set, and that does
 * not let SOFABolt keep a peer it cannot connect to without trying again ({@link StaleConnectionPools}).
 */
final class RoutedRpcClient implements RpcClient {
    private final RpcClient delegate;
    private final StaleConnectionPools pools;

    RoutedRpcClient(BoltRpcClient delegate) {
        this.delegate = delegate;
        this.pools = new StaleConnectionPools(delegate.getRpcClient());
    }

    @Override
    public boolean init(RpcOptions opts) {
        return delegate.init(opts);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public boolean checkConnection(Endpoint endpoint) {
        return delegate.checkConnection(RaftEndpointRoutes.route(endpoint));
    }

    @Override
    public boolean checkConnection(Endpoint endpoint, boolean createIfAbsent) {
        Endpoint dial = RaftEndpointRoutes.route(endpoint);
        if (delegate.checkConnection(dial, createIfAbsent)) {
            return true;
        }
        // Bolt may hold a pool for the address that will never yield a connection again: drop it and ask
        // again, which starts creating a new one
        return createIfAbsent && pools.dropIfUnusable(dial) && delegate.checkConnection(dial, true);
    }

    @Override
    public void closeConnection(Endpoint endpoint) {
        delegate.closeConnection(RaftEndpointRoutes.route(endpoint));
    }

    @Override
    public void registerConnectEventListener(ReplicatorGroup replicatorGroup) {
        delegate.registerConnectEventListener(replicatorGroup);
    }

    @Override
    public Object invokeSync(Endpoint endpoint, Object request, InvokeContext ctx, long timeoutMs)
            throws InterruptedException, RemotingException {
        return delegate.invokeSync(RaftEndpointRoutes.route(endpoint), request, ctx, timeoutMs);
    }

    @Override
    public void invokeAsync(Endpoint endpoint, Object request, InvokeContext ctx, InvokeCallback callback,
            long timeoutMs) throws InterruptedException, RemotingException {
        delegate.invokeAsync(RaftEndpointRoutes.route(endpoint), request, ctx, callback, timeoutMs);
    }
}

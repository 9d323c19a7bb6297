package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRaftRpcFactory;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.util.SPI;

/**
 * JRaft's RPC factory (registered through JRaft's SPI with a higher priority than SOFABolt's): the same
 * Bolt transport, with clients that dial a peer through its route when {@link PeerRoutes} names one and
 * that repair Bolt's stale connection pools ({@link StaleConnectionPools}).
 */
@SPI(priority = 100)
public class RoutedRaftRpcFactory extends BoltRaftRpcFactory {
    @Override
    public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
        // BoltRaftRpcFactory's clients are BoltRpcClients; the repair of stale pools needs Bolt's own client
        return new RoutedRpcClient((BoltRpcClient) super.createRpcClient(helper));
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRaftRpcFactory;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.util.SPI;

/**
 * JRaft's RPC factory (registered through JRaft's SPI with a higher priority than SOFABolt's): the same
 * Bolt transport, shared by every JRaft node of the process ({@link SharedRaftClient}), which dials a peer through
 * its route when {@link PeerRoutes} names one and repairs Bolt's stale connection pools
 * ({@link StaleConnectionPools}).
 */
@SPI(priority = 100)
public class RoutedRaftRpcFactory extends BoltRaftRpcFactory {
    // BoltRaftRpcFactory's clients are BoltRpcClients; the repair of stale pools needs Bolt's own client
    private final SharedRaftClient shared =
            new SharedRaftClient(() -> (BoltRpcClient) super.createRpcClient(null));

    @Override
    public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
        RpcClient client = shared.newGroupClient();
        if (helper != null) {
            helper.config(client);
        }
        return client;
    }

    /** How many JRaft nodes (and liveness pingers) of this process hold the shared client now. */
    int sharedClientHolders() {
        return shared.holders();
    }
}

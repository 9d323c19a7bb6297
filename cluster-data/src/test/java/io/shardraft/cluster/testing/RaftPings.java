package io.shardraft.cluster.testing;

import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcRequests.ErrorResponse;
import com.alipay.sofa.jraft.rpc.RpcRequests.PingRequest;
import com.alipay.sofa.jraft.util.Endpoint;

/** A Raft ping through a JRaft RPC client: whether a peer's RPC server answers. */
public final class RaftPings {
    private RaftPings() {
    }

    /**
     * Whether {@code peer} answered a ping within {@code timeoutMs} on a connection {@code client} already has (a live
     * connection to a proxy alone proves nothing).
     */
    public static boolean answered(RpcClient client, Endpoint peer, int timeoutMs) {
        if (!client.checkConnection(peer, false)) {
            return false;
        }
        try {
            Object answer = client.invokeSync(peer,
                    PingRequest.newBuilder().setSendTimestamp(System.currentTimeMillis()).build(), null, timeoutMs);
            return answer instanceof ErrorResponse e && e.getErrorCode() == 0;
        } catch (RemotingException notThrough) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import eu.rekawek.toxiproxy.Proxy;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.RaftPings;
import io.shardraft.testkit.FreePorts;
import io.shardraft.testkit.ToxiproxyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A peer that goes down behind its Toxiproxy proxy and comes back is reconnected to at once.
 *
 * <p>While the peer is down the proxy accepts every connection and closes it, and SOFABolt 1.6.12 then
 * keeps a connection pool holding only a dead connection (later none) that it never replaces: the
 * kill-follower chaos finding (chaos/findings/README.md, section 3), where a leader could not reach a
 * restarted follower for 40 s. Without {@link StaleConnectionPools} every cycle here waits for Bolt's
 * 10 s scanner at best, and often forever.
 */
class PeerReconnectTest {
    /** As the Replicator, the heartbeats and ReadIndex do: keep checking, creating if absent. */
    private static final int CHECKERS = 3;

    @Test
    void aPeerRestartedBehindItsProxyIsReconnectedTo() throws Exception {
        JRaftEnvironment.prepare();
        assertInstanceOf(RoutedRaftRpcFactory.class, RpcFactoryHelper.rpcFactory(), "JRaft's SPI picks our factory");
        int peerPort = FreePorts.allocate();
        Endpoint peer = new Endpoint(InProcessCluster.HOST, peerPort);
        RpcClient client = RpcFactoryHelper.rpcFactory().createRpcClient();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> checkers = new ArrayList<>();
        try (ToxiproxyServer toxiproxy = ToxiproxyServer.start()) {
            Proxy proxy = toxiproxy.proxy("peer-raft", peer.toString());
            Endpoint dial = new Endpoint(InProcessCluster.HOST, ToxiproxyServer.port(proxy));
            RaftEndpointRoutes.add(peer, dial);
            client.init(new RpcOptions());
            for (int i = 0; i < CHECKERS; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        client.checkConnection(peer, true);
                        pause(5);
                    }
                }, "checker-" + i);
                t.start();
                checkers.add(t);
            }
            for (int cycle = 1; cycle <= 8; cycle++) {
                // the peer is down: the proxy accepts and closes every connection the checkers open
                Thread.sleep(1500);
                BoltRpcServer server = new BoltRpcServer(
                        new com.alipay.remoting.rpc.RpcServer(InProcessCluster.HOST, peerPort, true));
                RaftRpcServerFactory.addRaftRequestProcessors(server);
                assertTrue(server.init(null), "peer RPC server on " + peer);
                try {
                    int c = cycle;
                    InProcessCluster.awaitTrue(() -> RaftPings.answered(client, peer, 1000), Duration.ofSeconds(3),
                            () -> "cycle " + c + ": the restarted peer " + peer + " not reached through " + dial
                                    + " within 3 s");
                } finally {
                    server.shutdown();
                }
            }
        } finally {
            stop.set(true);
            for (Thread t : checkers) {
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
            client.shutdown();
            RaftEndpointRoutes.remove(peer, RaftEndpointRoutes.route(peer));
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

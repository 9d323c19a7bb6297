package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.RaftPings;
import io.shardraft.testkit.FreePorts;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every JRaft node of a process sends through one Bolt client ({@link SharedRaftClient}): one connection per peer
 * whatever the number of groups, and a group that stops (or asks to close a connection) takes nothing away from
 * the groups still running.
 */
class SharedRaftClientTest {
    private com.alipay.remoting.rpc.RpcServer bolt;
    private Endpoint peer;
    private BoltRpcServer server;
    private RoutedRaftRpcFactory factory;
    private int heldBefore;

    @BeforeEach
    void startPeer() {
        JRaftEnvironment.prepare();
        factory = assertInstanceOf(RoutedRaftRpcFactory.class, RpcFactoryHelper.rpcFactory(),
                "JRaft's SPI picks our factory");
        heldBefore = factory.sharedClientHolders();
        bolt = new com.alipay.remoting.rpc.RpcServer(InProcessCluster.HOST, FreePorts.allocate(), true);
        peer = new Endpoint(InProcessCluster.HOST, bolt.port());
        server = new BoltRpcServer(bolt);
        RaftRpcServerFactory.addRaftRequestProcessors(server);
        assertTrue(server.init(null), "peer RPC server on " + peer);
    }

    @AfterEach
    void stopPeer() {
        server.shutdown();
    }

    @Test
    void groupsShareOneConnectionPerPeerAndOneGroupStoppingLeavesTheOthersConnected() throws Exception {
        List<RpcClient> groups = List.of(started(), started(), started());
        assertEquals(heldBefore + 3, factory.sharedClientHolders());
        for (RpcClient g : groups) {
            assertTrue(pings(g), "a group pings the peer");
        }
        assertEquals(1, serverConnections(), "three groups, one connection to the peer");

        groups.get(0).closeConnection(peer);
        assertTrue(groups.get(1).checkConnection(peer), "one group's close does not close the others' connection");
        groups.get(0).shutdown();
        groups.get(0).shutdown(); // twice is once
        assertEquals(heldBefore + 2, factory.sharedClientHolders());
        assertThrows(IllegalStateException.class, () -> groups.get(0).checkConnection(peer),
                "a stopped group's client refuses calls");
        assertTrue(pings(groups.get(1)) && pings(groups.get(2)), "the other groups still reach the peer");
        assertEquals(1, serverConnections(), "on the same connection");

        groups.get(1).shutdown();
        groups.get(2).shutdown();
        assertEquals(heldBefore, factory.sharedClientHolders());
        if (heldBefore == 0) {
            InProcessCluster.awaitTrue(() -> serverConnections() == 0, Duration.ofSeconds(5),
                    () -> "the last holder's shutdown closes the shared connection");
        }
        RpcClient again = started();
        try {
            assertTrue(pings(again), "a client started after the last one stopped works");
        } finally {
            again.shutdown();
        }
    }

    @Test
    void aNewConnectionIsToldToTheGroupsThatListenUntilTheyStop() throws Exception {
        List<String> toldA = new CopyOnWriteArrayList<>();
        List<String> toldB = new CopyOnWriteArrayList<>();
        RpcClient a = factory.createRpcClient();
        RpcClient b = factory.createRpcClient();
        a.registerConnectEventListener(recording(toldA));
        b.registerConnectEventListener(recording(toldB));
        a.init(new RpcOptions());
        b.init(new RpcOptions());
        try {
            b.shutdown();
            assertTrue(pings(a));
            InProcessCluster.awaitTrue(() -> toldA.contains(peer.toString()), Duration.ofSeconds(5),
                    () -> "the running group is told of the connection to " + peer + ": " + toldA);
            assertEquals(List.of(), toldB, "a stopped group is not told");
        } finally {
            a.shutdown();
        }
    }

    private RpcClient started() {
        RpcClient c = factory.createRpcClient();
        assertTrue(c.init(new RpcOptions()));
        return c;
    }

    private int serverConnections() {
        return bolt.getConnectionManager().getAll().values().stream().mapToInt(List::size).sum();
    }

    /** A ReplicatorGroup that records the peers JRaft's connect listener asks it to check. */
    private static ReplicatorGroup recording(List<String> checked) {
        return (ReplicatorGroup) Proxy.newProxyInstance(ReplicatorGroup.class.getClassLoader(),
                new Class<?>[] {ReplicatorGroup.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "checkReplicator" -> checked.add(((PeerId) args[0]).getEndpoint().toString());
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        case "toString" -> {
                            return "recording group";
                        }
                        default -> {
                        }
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }

    /** Connects if needed, then pings the peer. */
    private boolean pings(RpcClient client) {
        if (!client.checkConnection(peer, true)) {
            InProcessCluster.awaitTrue(() -> client.checkConnection(peer), Duration.ofSeconds(3),
                    () -> "no connection to " + peer);
        }
        return RaftPings.answered(client, peer, 2000);
    }
}

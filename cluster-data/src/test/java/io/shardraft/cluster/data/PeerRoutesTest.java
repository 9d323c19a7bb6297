package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.rpc.ShardReplicationClient;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import io.shardraft.testkit.ToxiproxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer routes send every connection to a peer — JRaft's RPCs and ShardReplicationService — through the
 * given address, here a real Toxiproxy proxy: disabling the proxy cuts the peer off, enabling it heals.
 */
class PeerRoutesTest {
    @TempDir
    Path dir;

    /**
     * Starts the cluster with every connection to node3 through the two proxies, creates a one-shard index and
     * returns its leader, never node3.
     */
    private static String startWithNode3Behind(InProcessCluster cluster, Proxy raft, Proxy grpc, String index) {
        cluster.routeThrough(Map.of("node3", new NodeAddress("127.0.0.1", ToxiproxyServer.port(raft),
                ToxiproxyServer.port(grpc))));
        cluster.startAll();
        cluster.createIndex(index, 1);
        String shard = shardName(0);
        String leader = cluster.awaitLeader(index, shard, Duration.ofSeconds(20));
        if (leader.equals("node3")) {
            cluster.stop("node3");
            cluster.awaitLeader(index, shard, Duration.ofSeconds(20));
            cluster.start("node3");
            leader = cluster.awaitLeader(index, shard, Duration.ofSeconds(20));
        }
        return leader;
    }

    @Test
    void trafficToARoutedPeerGoesThroughItsProxy() throws Exception {
        try (ToxiproxyServer toxiproxy = ToxiproxyServer.start();
                InProcessCluster cluster = new InProcessCluster(dir, 3, InProcessCluster.testSettings(),
                        (i, s, d) -> new MemoryHostShard())) {
            NodeAddress node3 = cluster.address("node3");
            Proxy raft = toxiproxy.proxy("node3-raft", node3.raftEndpoint());
            Proxy grpc = toxiproxy.proxy("node3-grpc", node3.grpcTarget());
            String shard = shardName(0);
            String leader = startWithNode3Behind(cluster, raft, grpc, "routed");
            Router router = cluster.registry(leader).router("routed");
            CommandResult first = router.putObject(shard, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);
            cluster.awaitApplied("routed", shard, first.getLogIndex(), Duration.ofSeconds(20));

            // cut the only way to node3's Raft port: the quorum goes on, node3 stops receiving
            raft.disable();
            long node3Before = cluster.store("node3", "routed", shard).lastAppliedIndex();
            long last = 0;
            for (int i = 0; i < 5; i++) {
                last = router.putObject(shard, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS).getLogIndex();
            }
            Thread.sleep(500);
            assertEquals(node3Before, cluster.store("node3", "routed", shard).lastAppliedIndex(),
                    "node3 receives nothing while its proxy is down");
            raft.enable();
            cluster.awaitApplied("routed", shard, last, Duration.ofSeconds(20));

            // node1's ShardReplicationService client reaches node3 through the gRPC proxy only
            try (ShardReplicationClient client = ShardReplicationClient.forRegistry(cluster.registry("node1").config())) {
                assertTrue(client.lastAppliedIndex(node3, "routed", shard, Duration.ofSeconds(5))
                        .get(10, TimeUnit.SECONDS) >= last);
                grpc.disable();
                ExecutionException e = assertThrows(ExecutionException.class, () -> client.lastAppliedIndex(node3,
                        "routed", shard, Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS));
                ReplicationException cut = ReplicationException.find(e).orElseThrow();
                assertEquals(ReplicationException.Reason.UNAVAILABLE, cut.reason(), cut::getMessage);
                grpc.enable();
                InProcessCluster.awaitTrue(() -> {
                    try {
                        return client.lastAppliedIndex(node3, "routed", shard, Duration.ofSeconds(2))
                                .get(10, TimeUnit.SECONDS) >= 0;
                    } catch (Exception retry) {
                        return false;
                    }
                }, Duration.ofSeconds(20), () -> "gRPC through the re-enabled proxy");
            }
        }
    }

    /**
     * The kill-follower chaos finding (chaos/findings/README.md, section 3): a follower restarted behind its
     * proxy is caught up by the leader again, every time. While it is down the proxy accepts the leader's
     * connections and closes them, which used to leave the leader's Bolt client with a connection pool it
     * never replaced ({@link StaleConnectionPools}).
     */
    @Test
    void aFollowerRestartedBehindItsProxyIsCaughtUp() throws Exception {
        try (ToxiproxyServer toxiproxy = ToxiproxyServer.start();
                InProcessCluster cluster = new InProcessCluster(dir, 3, InProcessCluster.testSettings(),
                        (i, s, d) -> new MemoryHostShard())) {
            NodeAddress node3 = cluster.address("node3");
            String shard = shardName(0);
            String leader = startWithNode3Behind(cluster, toxiproxy.proxy("node3-raft", node3.raftEndpoint()),
                    toxiproxy.proxy("node3-grpc", node3.grpcTarget()), "restart");
            Router router = cluster.registry(leader).router("restart");
            for (int cycle = 1; cycle <= 3; cycle++) {
                cluster.stop("node3");
                for (int i = 0; i < 5; i++) {
                    router.putObject(shard, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS);
                }
                Thread.sleep(1000); // the leader keeps dialling node3 through the proxy, which closes each connection
                cluster.start("node3");
                long last = router.putObject(shard, InProcessCluster.newObject()).get(20, TimeUnit.SECONDS).getLogIndex();
                cluster.awaitApplied("restart", shard, last, Duration.ofSeconds(10));
            }
        }
    }
}

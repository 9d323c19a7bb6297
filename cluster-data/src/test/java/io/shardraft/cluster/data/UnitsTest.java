package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Single-class behaviour of the core's small pieces: settings, names, waiters, status mapping. */
class UnitsTest {

    @Test
    void settingsHaveValidatedDefaults() {
        RaftSettings d = RaftSettings.DEFAULTS;
        assertEquals(Duration.ofMillis(1000), d.electionTimeout());
        assertEquals(Duration.ofSeconds(10), d.quietElectionTimeout());
        assertTrue(d.quietGroups());
        // quiet groups: heartbeats may be as long as the election timeout, at most half the quiet one
        assertEquals(Duration.ofSeconds(1), d.heartbeatTimeout());
        assertEquals(10, d.electionHeartbeatFactor());
        assertEquals(90, d.leaderLeaseTimeRatio());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.toBuilder().heartbeatTimeout(Duration.ofSeconds(6)).build());
        assertTrue(e.getMessage().contains("at most half the quietElectionTimeout"), e.getMessage());
        RaftSettings off = RaftSettings.builder().quietElectionTimeout(d.electionTimeout()).build();
        assertFalse(off.quietGroups());
        assertEquals(Duration.ofMillis(100), off.heartbeatTimeout(), "quiet off: a tenth of the election timeout");
        e = assertThrows(IllegalArgumentException.class,
                () -> off.toBuilder().heartbeatTimeout(Duration.ofSeconds(1)).build());
        assertTrue(e.getMessage().contains("when quiet groups are off"), e.getMessage());
        // idle groups: thirty heartbeats apart, followers then wait the quiet timeout stretched as much
        assertTrue(d.idleGroups());
        assertEquals(Duration.ofSeconds(30), d.idleHeartbeatTimeout());
        assertEquals(Duration.ofSeconds(300), d.idleElectionTimeout());
        assertFalse(off.idleGroups(), "quiet off: idle groups off");
        assertEquals(off.heartbeatTimeout(), off.idleHeartbeatTimeout());
        RaftSettings busy = d.toBuilder().idleHeartbeatTimeout(d.heartbeatTimeout()).build();
        assertFalse(busy.idleGroups());
        assertEquals(d.quietElectionTimeout(), busy.idleElectionTimeout());
        e = assertThrows(IllegalArgumentException.class,
                () -> d.toBuilder().idleHeartbeatTimeout(Duration.ofMillis(500)).build());
        assertTrue(e.getMessage().contains("idleHeartbeatTimeout (PT0.5S) must not be shorter than heartbeatTimeout"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> off.toBuilder().idleHeartbeatTimeout(Duration.ofSeconds(5)).build());
        assertTrue(e.getMessage().contains("needs quiet groups"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> d.toBuilder().quietElectionTimeout(Duration.ofMillis(999)).build());
        assertTrue(e.getMessage().contains("must not be shorter than electionTimeout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.toBuilder().leaderLeaseTimeout(Duration.ofSeconds(1)).build());
        assertTrue(e.getMessage().contains("leaderLeaseTimeout"));
        e = assertThrows(IllegalArgumentException.class, () -> d.toBuilder().applyTimeout(Duration.ZERO).build());
        assertTrue(e.getMessage().contains("applyTimeout"));
        e = assertThrows(IllegalArgumentException.class, () -> d.toBuilder().maxCommandBytes(d.maxMessageBytes()).build());
        assertTrue(e.getMessage().contains("maxCommandBytes"));
    }

    @Test
    void namesAreCheckedAndGroupIdsAreUnambiguous() {
        assertEquals("articles", Names.checkName("index", "articles"));
        Names.checkName("shard", "shard-0");
        Names.checkName("index", "9lives_v2");
        for (String bad : new String[] {"", "_x", "a__b", "a_", "a.b", "a/b", "a b", "x".repeat(129)}) {
            ReplicationException e = assertThrows(ReplicationException.class, () -> Names.checkName("index", bad));
            assertEquals(Reason.INVALID_ARGUMENT, e.reason());
        }
        assertEquals("g_a_b__c", Names.groupId("a_b", "c"));
        assertNotEquals(Names.groupId("a_b", "c"), Names.groupId("a", "b_c"));
    }

    @Test
    void waitersCompleteInIndexOrderAndFailOnStop() {
        AppliedIndexWaiters w = new AppliedIndexWaiters();
        CompletableFuture<Long> five = w.await(5);
        CompletableFuture<Long> nine = w.await(9);
        w.advance(4);
        assertFalse(five.isDone());
        w.advance(6);
        assertEquals(6L, five.join());
        assertFalse(nine.isDone());
        assertTrue(w.await(3).isDone(), "already applied");
        w.advance(5); // never goes backwards
        assertTrue(w.await(6).isDone());
        w.failAll(ReplicationException.unavailable("stopped"));
        assertTrue(nine.isCompletedExceptionally());
    }

    @Test
    void jraftStatusesMapToClearReasons() {
        StaticAddressResolver r = new StaticAddressResolver(Map.of("n1", new NodeAddress("127.0.0.1", 7001, 7002)));
        ShardStore store = new ShardStore(new ShardStoreConfig("idx", "s0", "n1", List.of("n1"), Path.of("/tmp/x"), r, null));
        assertEquals(Reason.RESOURCE_EXHAUSTED,
                store.statusToException(new Status(RaftError.EBUSY, "busy"), true).reason());
        assertEquals(Reason.UNAVAILABLE,
                store.statusToException(new Status(RaftError.EPERM, "stepped down"), true).reason(),
                "leadership lost after proposing: outcome unknown, not a clean NOT_LEADER");
        assertEquals(Reason.NOT_LEADER, store.statusToException(new Status(RaftError.EPERM, "x"), false).reason());
        assertEquals(Reason.UNAVAILABLE, store.statusToException(new Status(RaftError.ENODESHUTDOWN, "x"), true).reason());
        assertEquals(Reason.UNAVAILABLE, store.statusToException(new Status(RaftError.ETIMEDOUT, "x"), false).reason());
        assertTrue(!store.statusToException(new Status(RaftError.EPERM, "stepped down"), true).notApplied(),
                "leadership lost after proposing: the write may still commit, it must not be sent again");
        assertTrue(!store.statusToException(new Status(RaftError.ENODESHUTDOWN, "x"), true).notApplied());
        assertTrue(store.apply(io.shardraft.api.v1.Command.newBuilder().setDelete(
                io.shardraft.api.v1.DeleteObject.newBuilder().setId("x")).build()).handle((v, err) ->
                ReplicationException.find(err).orElseThrow().notApplied()).join(),
                "a store that is not running refused before proposing");
        ReplicationException e = store.statusToException(new Status(RaftError.EBUSY, "busy"), true);
        assertTrue(e.getMessage().contains("idx") && e.getMessage().contains("s0"), e.getMessage());
    }

    @Test
    void configsRejectBadMembership() {
        StaticAddressResolver r = new StaticAddressResolver(Map.of("n1", new NodeAddress("127.0.0.1", 7001, 7002)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                new ShardStoreConfig("idx", "s0", "n1", List.of("n1", "n2"), Path.of("/tmp/x"), r, null));
        assertTrue(e.getMessage().contains("n2"));
        e = assertThrows(IllegalArgumentException.class, () ->
                new ShardStoreConfig("idx", "s0", "n1", List.of("n2"), Path.of("/tmp/x"), r, null));
        assertTrue(e.getMessage().contains("do not include this node"));
        e = assertThrows(IllegalArgumentException.class, () -> RegistryConfig.builder().nodeId("n9")
                .addressResolver(r).dataDir(Path.of("/tmp")).build());
        assertTrue(e.getMessage().contains("n9"));
        e = assertThrows(IllegalArgumentException.class, () -> RegistryConfig.builder().nodeId("n1").raftPort(9)
                .addressResolver(r).dataDir(Path.of("/tmp")).build());
        assertTrue(e.getMessage().contains("raftPort"));
        assertEquals(7001, RegistryConfig.builder().nodeId("n1").addressResolver(r).dataDir(Path.of("/tmp")).build().raftPort());
    }
}

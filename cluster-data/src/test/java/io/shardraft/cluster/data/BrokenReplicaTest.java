package io.shardraft.cluster.data;

import static io.shardraft.cluster.testing.InProcessCluster.shardName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.cluster.testing.InProcessCluster;
import io.shardraft.cluster.testing.MemoryHostShard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host shard whose storage fails stops its own replica; it never skips the entry and diverges. */
class BrokenReplicaTest {
    @TempDir
    Path dir;

    /** Fails (as broken storage would) on any command whose properties mention "boom". */
    static final class BrokenStorageShard extends io.shardraft.cluster.testing.ForwardingHostShard {
        BrokenStorageShard() {
            super(new MemoryHostShard());
        }

        @Override
        public CommandResult apply(long logIndex, Command command) {
            if (command.hasPut() && command.getPut().getObject().getPropertiesJson().contains("boom")) {
                throw new IllegalStateException("disk on fire");
            }
            return super.apply(logIndex, command);
        }
    }

    @Test
    void aReplicaWhoseStorageFailsStopsWhileTheQuorumGoesOn() throws Exception {
        String broken = "node3";
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, InProcessCluster.testSettings(),
                (i, s, d) -> d.toString().contains("/" + broken + "/") ? new BrokenStorageShard() : new MemoryHostShard())) {
            cluster.startAll();
            cluster.createIndex("fragile", 1);
            String shard = shardName(0);
            String leader = cluster.awaitLeader("fragile", shard, Duration.ofSeconds(20));
            if (leader.equals(broken)) {
                // keep the broken replica a follower for this scenario
                cluster.stop(broken);
                cluster.awaitLeader("fragile", shard, Duration.ofSeconds(20));
                cluster.start(broken);
                leader = cluster.awaitLeader("fragile", shard, Duration.ofSeconds(20));
            }
            Router router = cluster.registry(leader).router("fragile");
            CommandResult r = router.putObject(shard, ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                    .setPropertiesJson("{\"boom\":1}").build()).get(20, TimeUnit.SECONDS);
            assertEquals(ItemStatus.ITEM_OK, r.getItems(0).getStatus(), "the healthy quorum applied it");
            ShardStore brokenStore = cluster.store(broken, "fragile", shard);
            InProcessCluster.awaitTrue(() -> brokenStore.state() == ShardRole.ERROR, Duration.ofSeconds(20),
                    () -> "broken replica is " + brokenStore.state());
            assertTrue(brokenStore.lastAppliedIndex() < r.getLogIndex(), "the failed entry was not counted as applied");
            // the group keeps accepting writes with the two healthy replicas
            CommandResult later = router.putObject(shard, ObjectData.newBuilder().setId(UUID.randomUUID().toString())
                    .setPropertiesJson("{\"fine\":1}").build()).get(20, TimeUnit.SECONDS);
            assertEquals(ItemStatus.ITEM_OK, later.getItems(0).getStatus());
        }
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.entity.LocalStorageOutter.StablePBMeta;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import io.shardraft.cluster.log.DamagedMetaException;
import io.shardraft.cluster.log.GroupMeta;
import io.shardraft.cluster.log.SharedLogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Before a group with the shared log store starts: its term and vote live in the store, checksummed, and a
 * damaged record stops the group here, naming it and the store (a reset term or vote could let it vote
 * twice in a term). A {@code raft_meta} file written before the meta moved into the store is migrated once
 * (read through {@link RaftMetaCheck}'s bounded checks, stored synced, then deleted).
 */
final class SharedMetaCheck {
    private static final Logger LOG = LogManager.getLogger("shard_raft_store");

    private SharedMetaCheck() {
    }

    static void verifyOrMigrate(SharedLogStore store, ShardStoreConfig config, Path legacyDir, String description) {
        String group = config.groupId();
        boolean stored;
        try {
            stored = store.meta(group).isPresent();
        } catch (DamagedMetaException e) {
            throw new ReplicationException(Reason.INTERNAL, "cannot start " + description + " on node "
                    + config.nodeId() + ": " + e.getMessage() + "; the replica refuses to start rather than forget its"
                    + " term and vote", null, e);
        }
        if (!stored) {
            Optional<StablePBMeta> old = RaftMetaCheck.load(legacyDir, description, config.nodeId());
            if (old.isEmpty()) {
                return;
            }
            store.putMeta(group, new GroupMeta(old.get().getTerm(), old.get().getVotedfor()));
            LOG.info("[{}] migrated the Raft meta (term {}, vote {}) from {} into the shared log store {}", group,
                    old.get().getTerm(), old.get().getVotedfor(), legacyDir.resolve(RaftMetaCheck.FILE), store.dir());
        }
        if (Files.exists(legacyDir)) {
            try {
                Directories.deleteRecursively(legacyDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + legacyDir + " of " + description
                        + ", whose Raft meta is in the shared log store", e);
            }
        }
    }
}

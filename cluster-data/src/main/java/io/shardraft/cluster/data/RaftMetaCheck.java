package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.entity.LocalStorageOutter.StablePBMeta;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.storage.io.ProtoBufFile;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a group's Raft meta file (term and vote, JRaft's {@code raft_meta}) before JRaft does, so a torn or
 * damaged file stops the group with an error naming the file rather than JRaft's "Fail to init node".
 * The file has no checksum of its own: this finds a file that does not parse (truncated, garbage, a vote
 * that is not a peer), not every flipped bit.
 */
final class RaftMetaCheck {
    static final String FILE = "raft_meta";

    private RaftMetaCheck() {
    }

    static void verify(Path metaDir, String description, String nodeId) {
        Path file = metaDir.resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        String problem;
        try {
            StablePBMeta meta = new ProtoBufFile(file.toString()).load();
            if (meta == null) {
                problem = "it is empty or has no meta record";
            } else if (meta.getTerm() < 0) {
                problem = "its term " + meta.getTerm() + " is negative";
            } else if (!new PeerId().parse(meta.getVotedfor())) {
                problem = "its vote '" + meta.getVotedfor() + "' is not a peer";
            } else {
                return;
            }
        } catch (IOException | RuntimeException e) {
            problem = "it cannot be read: " + e;
        }
        throw new ReplicationException(Reason.INTERNAL, "the Raft meta file " + file + " of " + description
                + " on node " + nodeId + " is damaged (" + problem + "); the replica refuses to start", null, null);
    }
}

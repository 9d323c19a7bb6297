package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.entity.LocalStorageOutter.StablePBMeta;
import com.alipay.sofa.jraft.entity.PeerId;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a group's Raft meta file (term and vote, JRaft's {@code raft_meta}) before JRaft does, so a torn or
 * damaged file stops the group with an error naming the file rather than JRaft's "Fail to init node".
 * The file has no checksum of its own: this finds a file that does not parse (truncated, garbage, a vote
 * that is not a peer), not every flipped bit. Only groups with per-group logs keep this file; with the shared
 * log store the meta lives there with a CRC32C, and a file left by an older version is migrated once
 * through {@link #load}.
 */
final class RaftMetaCheck {
    static final String FILE = "raft_meta";

    private RaftMetaCheck() {
    }

    /**
     * Parses JRaft's ProtoBufFile layout ({@code nameLen:i32 | name | msgLen:i32 | msg}, big-endian) with
     * every length checked against the file (JRaft's own reader allocates whatever a damaged length says).
     */
    private static StablePBMeta read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        String expected = StablePBMeta.getDescriptor().getFullName();
        int nameLen = in.remaining() >= 4 ? in.getInt() : -1;
        if (nameLen <= 0 || nameLen > in.remaining()) {
            throw new IOException("bad name length " + nameLen + " in a file of " + bytes.length + " bytes");
        }
        String name = new String(bytes, in.position(), nameLen, StandardCharsets.UTF_8);
        in.position(in.position() + nameLen);
        if (!name.equals(expected)) {
            throw new IOException("it holds '" + name + "', not " + expected);
        }
        int msgLen = in.remaining() >= 4 ? in.getInt() : -1;
        if (msgLen < 0 || msgLen != in.remaining()) {
            throw new IOException("bad record length " + msgLen + " (" + in.remaining() + " bytes follow): torn or damaged");
        }
        return StablePBMeta.parseFrom(ByteBuffer.wrap(bytes, in.position(), msgLen));
    }

    static void verify(Path metaDir, String description, String nodeId) {
        load(metaDir, description, nodeId);
    }

    /** The file's term and vote once they passed the checks of {@link #verify}; empty if there is no file. */
    static Optional<StablePBMeta> load(Path metaDir, String description, String nodeId) {
        Path file = metaDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String problem;
        try {
            StablePBMeta meta = read(file);
            if (meta.getTerm() < 0) {
                problem = "its term " + meta.getTerm() + " is negative";
            } else if (!new PeerId().parse(meta.getVotedfor())) {
                problem = "its vote '" + meta.getVotedfor() + "' is not a peer";
            } else {
                return Optional.of(meta);
            }
        } catch (IOException | RuntimeException e) {
            problem = e.getMessage();
        }
        throw new ReplicationException(Reason.INTERNAL, "the Raft meta file " + file + " of " + description
                + " on node " + nodeId + " is damaged (" + problem + "); the replica refuses to start", null, null);
    }
}

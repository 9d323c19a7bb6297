package io.shardraft.cluster.log;

import com.google.common.base.Preconditions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A group's Raft meta (current term and the peer it voted for in that term) as the shared store keeps it:
 * {@code version:1 | term:8 | voteLen:4 | vote (UTF-8) | crc32c:4}, big-endian, the CRC32C over every byte
 * before it. JRaft's own {@code raft_meta} file has no checksum; here a flipped bit is found on read.
 *
 * @param term     the current term, never negative
 * @param votedFor the vote as JRaft writes it ({@code PeerId.toString()}; the empty peer when none)
 */
public record GroupMeta(long term, String votedFor) {
    private static final byte VERSION = 1;
    private static final int FIXED = 1 + Long.BYTES + Integer.BYTES + Integer.BYTES;

    public GroupMeta {
        Preconditions.checkArgument(term >= 0, "term must not be negative, got %s", term);
        Preconditions.checkNotNull(votedFor, "votedFor");
    }

    byte[] encode() {
        byte[] vote = votedFor.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(FIXED + vote.length);
        out.put(VERSION).putLong(term).putInt(vote.length).put(vote);
        out.putInt((int) crc(out.array(), out.position()));
        return out.array();
    }

    /** Decodes a stored value; a value that is torn, of another version or fails its checksum is refused. */
    static GroupMeta decode(byte[] value) {
        if (value.length < FIXED) {
            throw new IllegalArgumentException(value.length + " bytes, fewer than the " + FIXED + " of any record");
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        int stored = in.getInt(value.length - Integer.BYTES);
        long computed = crc(value, value.length - Integer.BYTES);
        if ((int) computed != stored) {
            throw new IllegalArgumentException(String.format("checksum mismatch: stored crc32c %08x, computed %08x",
                    stored, (int) computed));
        }
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown record version " + version);
        }
        long term = in.getLong();
        int voteLen = in.getInt();
        if (voteLen != value.length - FIXED) {
            throw new IllegalArgumentException("vote length " + voteLen + " does not fit a record of " + value.length + " bytes");
        }
        if (term < 0) {
            throw new IllegalArgumentException("negative term " + term);
        }
        return new GroupMeta(term, new String(value, in.position(), voteLen, StandardCharsets.UTF_8));
    }

    private static long crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}

package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import io.shardraft.api.v1.Command;
import io.shardraft.cluster.error.ReplicationException;
import io.shardraft.cluster.error.ReplicationException.Reason;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses writes that would grow a replica's files while the disk under its directory has less free space
 * than the reserve ({@link RaftSettings#minFreeDiskBytes()}): RESOURCE_EXHAUSTED naming the node, the path
 * and the numbers, raised before anything is proposed, so a full disk never half-writes an entry and the
 * node keeps serving reads. Commands that free space (deletes, index drops) are let through.
 */
final class DiskSpaceGuard {
    private final String nodeId;
    private final Path dir;
    private final long reserveBytes;
    /** Looked up once: finding a path's file store reads the mount table, too slow for every write. */
    private volatile FileStore store;

    DiskSpaceGuard(String nodeId, Path dir, long reserveBytes) {
        Preconditions.checkArgument(reserveBytes >= 0, "reserveBytes must be >= 0, got %s", reserveBytes);
        this.nodeId = nodeId;
        this.dir = dir;
        this.reserveBytes = reserveBytes;
    }

    /** @throws ReplicationException RESOURCE_EXHAUSTED (not applied) when {@code command} grows data on a full disk */
    void check(Command command) {
        if (reserveBytes == 0 || frees(command)) {
            return;
        }
        long free;
        try {
            FileStore fs = store;
            if (fs == null) {
                fs = Files.getFileStore(dir);
                store = fs;
            }
            free = fs.getUsableSpace();
        } catch (IOException e) {
            throw new ReplicationException(Reason.INTERNAL, "cannot read the free space of the disk of node " + nodeId
                    + " at " + dir + ": " + e.getMessage(), null, e, true);
        }
        if (free < reserveBytes) {
            throw new ReplicationException(Reason.RESOURCE_EXHAUSTED, "the disk of node " + nodeId + " at " + dir
                    + " has " + free + " bytes free, less than the reserve of " + reserveBytes
                    + " bytes; writes are refused until space is freed (reads still served)", null, null, true);
        }
    }

    private static boolean frees(Command command) {
        return switch (command.getOpCase()) {
            case DELETE, DELETE_BATCH, DROP_INDEX -> true;
            default -> false;
        };
    }
}

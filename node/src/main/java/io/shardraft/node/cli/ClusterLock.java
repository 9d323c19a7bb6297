package io.shardraft.node.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/** An exclusive lock on {@code DIR/.lock} while a command changes a local cluster's processes or cluster.json. */
final class ClusterLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private ClusterLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static ClusterLock acquire(Path dir, Duration wait) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    return new ClusterLock(channel, lock);
                }
                if (System.nanoTime() > deadline) {
                    channel.close();
                    throw new CliException("another shardraft command is changing the cluster in " + dir
                            + "; try again when it is done");
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the lock on " + dir);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel
        }
    }
}

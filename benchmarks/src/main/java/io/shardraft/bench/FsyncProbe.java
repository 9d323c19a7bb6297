package io.shardraft.bench;

import com.google.common.base.Preconditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The disk's fsync latency where the systems keep their data: appends a 4 KiB block to a file and forces it
 * ({@code FileChannel.force(false)}, fdatasync) in a loop, like a Raft log append, until {@code blocks} blocks or
 * {@code maxDuration}; the file is deleted afterwards.
 */
final class FsyncProbe {

    static final int BLOCK_BYTES = 4096;

    /** The latencies of the probe's write+fsync calls, in microseconds. */
    record Result(long samples, double meanMicros, long p50Micros, long p99Micros, long maxMicros) {
    }

    private FsyncProbe() {
    }

    static Result measure(Path dir, int blocks, Duration maxDuration) {
        Preconditions.checkArgument(blocks >= 1, "blocks must be >= 1");
        Histogram h = new Histogram(1, TimeUnit.SECONDS.toMicros(60), 3);
        Path file = dir.resolve("fsync-probe-" + System.nanoTime() + ".dat");
        byte[] block = new byte[BLOCK_BYTES];
        new SplittableRandom(1).nextBytes(block);
        long deadline = System.nanoTime() + maxDuration.toNanos();
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int i = 0; i < blocks && System.nanoTime() - deadline < 0; i++) {
                    ByteBuffer b = ByteBuffer.wrap(block);
                    long t0 = System.nanoTime();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.force(false);
                    h.recordValue(Math.max(1, Math.min(h.getHighestTrackableValue(),
                            TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0))));
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure fsync latency in " + dir + ": " + e.getMessage(), e);
        }
        return new Result(h.getTotalCount(), h.getMean(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getMaxValue());
    }
}

package io.shardraft.bench.jmh;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.PutBatch;
import io.shardraft.api.v1.PutObject;
import io.shardraft.bench.Payload;
import io.shardraft.node.store.Distance;
import io.shardraft.node.store.IndexSchema;
import io.shardraft.node.store.MapDbShard;
import io.shardraft.node.store.MapDbShardConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A MapDB shard in a fresh temporary directory for one benchmark trial, with the commands that write the
 * benchmark payload into it; {@link #close()} closes the shard and deletes the directory.
 */
final class ShardFixture implements AutoCloseable {

    private final Path dir;
    private final Payload payload;
    private final MapDbShard shard;
    private long nextIndex = 1;
    private long nextObject;

    ShardFixture(Payload payload) {
        this.payload = payload;
        try {
            this.dir = Files.createTempDirectory("shardraft-jmh-");
            this.shard = MapDbShard.open("jmh/shard-0", dir, new IndexSchema("jmh", payload.dims(), Distance.L2),
                    MapDbShardConfig.REPLICATED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    MapDbShard shard() {
        return shard;
    }

    /** A put of the next new object. */
    static Command put(Payload payload, long n) {
        return Command.newBuilder().setRequestId("jmh-" + n).setProposedAtMillis(1_700_000_000_000L + n)
                .setPut(PutObject.newBuilder().setObject(payload.object(n))).build();
    }

    /** A batch of {@code size} new objects from {@code first}. */
    static Command batch(Payload payload, long first, int size) {
        PutBatch.Builder b = PutBatch.newBuilder();
        for (int i = 0; i < size; i++) {
            b.addPuts(PutObject.newBuilder().setObject(payload.object(first + i)));
        }
        return Command.newBuilder().setRequestId("jmh-batch-" + first).setProposedAtMillis(1_700_000_000_000L)
                .setPutBatch(b).build();
    }

    /** Applies {@code command} at the next log index. */
    long apply(Command command) {
        shard.apply(nextIndex++, command);
        return nextIndex;
    }

    /** Applies puts of {@code count} new objects, in batches of 500. */
    void fill(int count) {
        for (int done = 0; done < count; ) {
            int size = Math.min(500, count - done);
            apply(batch(payload, nextObject, size));
            nextObject += size;
            done += size;
        }
    }

    /** The number of the next object no command has written yet. */
    long takeObjects(int count) {
        long first = nextObject;
        nextObject += count;
        return first;
    }

    @Override
    public void close() {
        shard.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

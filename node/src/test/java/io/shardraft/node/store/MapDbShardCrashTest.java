package io.shardraft.node.store;

import static io.shardraft.node.store.Commands.T0;
import static io.shardraft.node.store.Commands.putBatch;
import static io.shardraft.node.store.Commands.putItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.PutObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer JVM is killed with SIGKILL while it applies batches; after reopening, the shard holds exactly
 * the batches up to its applied index, each complete. (A process crash: the OS keeps what was written,
 * so this checks MapDB's write-ahead log and our single commit per entry, not power loss.)
 */
class MapDbShardCrashTest {

    static final IndexSchema SCHEMA = new IndexSchema("crash", 2, Distance.L2);
    static final List<String> IDS = IntStream.range(0, 50).mapToObj(i -> new UUID(42, i).toString()).toList();

    /** The writer: applies batch g (every id gets {"gen":g}) at log index g, forever. */
    public static void main(String[] args) throws Exception {
        try (MapDbShard shard = MapDbShard.open("crash/shard-0", Path.of(args[0]), SCHEMA)) {
            long first = shard.lastAppliedIndex();
            for (long gen = first + 1; ; gen++) {
                long g = gen;
                shard.apply(gen, putBatch(T0 + gen, IDS.stream()
                        .map(id -> putItem(id, "{\"gen\":" + g + "}", g, g)).toArray(PutObject[]::new)));
                if (gen == 20 + first) {
                    System.out.println("running");
                    System.out.flush();
                }
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void killedWriterLeavesOnlyWholeBatches(@TempDir Path dir, @TempDir Path logs) throws Exception {
        long previous = 0;
        for (int round = 0; round < 3; round++) {
            Path output = logs.resolve("writer-" + round + ".log");
            Process writer = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    MapDbShardCrashTest.class.getName(), dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.readString(output).contains("running")) {
                    assertTrue(writer.isAlive(), () -> "writer died early: " + read(output));
                    assertTrue(System.nanoTime() < deadline, () -> "writer too slow: " + read(output));
                    Thread.sleep(20);
                }
                Thread.sleep(150 + round * 100L);
                writer.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
                assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            } finally {
                writer.destroyForcibly();
            }

            try (MapDbShard shard = MapDbShard.open("crash/shard-0", dir, SCHEMA)) {
                long applied = shard.lastAppliedIndex();
                assertTrue(applied >= previous + 20, "applied " + applied + " after " + previous);
                previous = applied;
                List<StoredObject> all = shard.scan(null, 1000);
                assertEquals(IDS.size(), all.size());
                Set<String> props = all.stream().map(StoredObject::propertiesJson).collect(Collectors.toSet());
                assertEquals(Set.of("{\"gen\":" + applied + "}"), props, "every object from the last applied batch");
                assertTrue(all.stream().allMatch(o -> o.version() == applied));
            }
        }
    }
}

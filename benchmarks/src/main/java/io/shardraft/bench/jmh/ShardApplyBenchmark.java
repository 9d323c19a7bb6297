package io.shardraft.bench.jmh;

import io.shardraft.api.v1.Command;
import io.shardraft.bench.Payload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state machine's apply into the MapDB host store (a real {@code objects.db} in a temporary directory,
 * configured as a node opens a replicated shard: {@code MapDbShardConfig.REPLICATED}): a put of a new object, a batch of 100
 * new objects. Commands are built outside the measured call; ops/s counts log entries. {@code admitted}: whether
 * the commands carry the mark of a write the ingress node validated already (what a node's own writes carry), so
 * the shard applies them without checking their content again; false measures the apply-time checks too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ShardApplyBenchmark {

    /** Prepared per iteration: puts, and batches of 100 (a 1 s iteration rarely uses them all). */
    static final int PREPARED_PUTS = 8192;
    static final int PREPARED_BATCHES = 128;

    @Param("256")
    public int propsBytes;

    @Param("32")
    public int dims;

    @Param({"true", "false"})
    public boolean admitted;

    private Payload payload;
    private ShardFixture fixture;
    private Command[] puts;
    private Command[] batches;
    private int nextPut;
    private int nextBatch;

    @Setup(Level.Trial)
    public void open() {
        payload = new Payload(propsBytes, dims, 1);
        fixture = new ShardFixture(payload);
    }

    /** New objects for the next iteration (apply of an existing id would measure a replace, not a put). */
    @Setup(Level.Iteration)
    public void prepare() {
        puts = new Command[PREPARED_PUTS];
        for (int i = 0; i < puts.length; i++) {
            puts[i] = mark(ShardFixture.put(payload, fixture.takeObjects(1)));
        }
        batches = new Command[PREPARED_BATCHES];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = mark(ShardFixture.batch(payload, fixture.takeObjects(100), 100));
        }
        nextPut = 0;
        nextBatch = 0;
    }

    private Command mark(Command command) {
        return command.toBuilder().setAdmitted(admitted).build();
    }

    @TearDown(Level.Trial)
    public void close() {
        fixture.close();
    }

    @Benchmark
    public long applyPut() {
        // past the prepared commands (a very fast iteration) the ids repeat: replaces of existing objects
        return fixture.apply(puts[nextPut++ % puts.length]);
    }

    @Benchmark
    public long applyBatch100() {
        return fixture.apply(batches[nextBatch++ % batches.length]);
    }
}

package io.shardraft.bench.jmh;

import io.shardraft.bench.Payload;
import io.shardraft.node.store.SearchHit;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** kNN search (k = 10, L2, exact scan) in one shard replica, with a new random query vector per call. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KnnSearchBenchmark {

    @Param("10000")
    public int objects;

    @Param("32")
    public int dims;

    @Param("10")
    public int k;

    private ShardFixture fixture;
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup
    public void fill() {
        fixture = new ShardFixture(new Payload(64, dims, 1));
        fixture.fill(objects);
    }

    @TearDown
    public void close() {
        fixture.close();
    }

    @Benchmark
    public List<SearchHit> search() {
        float[] q = new float[dims];
        for (int i = 0; i < dims; i++) {
            q[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return fixture.shard().search(q, k);
    }
}

package io.shardraft.bench.jmh;

import io.shardraft.bench.Payload;
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

/** A shard replica's checksum (SHA-256 over every object in id order, what replica checks compare). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChecksumBenchmark {

    @Param("10000")
    public int objects;

    @Param("256")
    public int propsBytes;

    @Param("32")
    public int dims;

    private ShardFixture fixture;

    @Setup
    public void fill() {
        fixture = new ShardFixture(new Payload(propsBytes, dims, 1));
        fixture.fill(objects);
    }

    @TearDown
    public void close() {
        fixture.close();
    }

    @Benchmark
    public String checksum() {
        return fixture.shard().checksum();
    }
}

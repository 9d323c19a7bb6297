package io.shardraft.bench.jmh;

import com.google.protobuf.InvalidProtocolBufferException;
import io.shardraft.api.v1.Command;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding of the replicated {@link Command} (what every write puts into a shard's Raft log and
 * every replica parses before applying): a single put and a batch of 100 puts of the benchmark payload.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CommandCodecBenchmark {

    @Param("256")
    public int propsBytes;

    @Param("32")
    public int dims;

    private Command put;
    private Command batch;
    private byte[] putBytes;
    private byte[] batchBytes;

    @Setup
    public void setUp() {
        Payload payload = new Payload(propsBytes, dims, 1);
        put = ShardFixture.put(payload, 1);
        batch = ShardFixture.batch(payload, 1, 100);
        putBytes = put.toByteArray();
        batchBytes = batch.toByteArray();
    }

    @Benchmark
    public byte[] encodePut() {
        return put.toByteArray();
    }

    @Benchmark
    public Command decodePut() throws InvalidProtocolBufferException {
        return Command.parseFrom(putBytes);
    }

    @Benchmark
    public byte[] encodeBatch100() {
        return batch.toByteArray();
    }

    @Benchmark
    public Command decodeBatch100() throws InvalidProtocolBufferException {
        return Command.parseFrom(batchBytes);
    }
}

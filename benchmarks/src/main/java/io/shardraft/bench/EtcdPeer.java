package io.shardraft.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.ManagedChannel;
import io.shardraft.bench.ClosedLoop.OpFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * etcd driven through its gRPC KV API (the stubs the jetcd project generates from etcd's protos, over our
 * grpc-java): every request to the member that led when the run started, as shardraft's leader target does.
 * put = Put; import = one Txn of B puts; get-strong = Range (serializable=false, linearizable: ReadIndex);
 * get-eventual = Range with serializable=true (the member's local state); merge = Range, then a Txn that puts
 * the patched value if the key's mod_revision is still the one read.
 */
final class EtcdPeer implements KvPeer {

    static final String SYSTEM = CompareConfig.ETCD;

    private final EtcdCluster cluster;
    private final ManagedChannel channel;
    private final Duration timeout;

    EtcdPeer(EtcdCluster cluster, Duration timeout) throws InterruptedException {
        this.cluster = cluster;
        this.timeout = timeout;
        this.channel = EtcdCluster.channel(cluster.leader(timeout));
    }

    private KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String system() {
        return SYSTEM;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        kv().put(PutRequest.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)).build());
    }

    @Override
    public void putAll(List<byte[]> keys, List<byte[]> values) throws OpFailure {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (int i = 0; i < keys.size(); i++) {
            txn.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                    .setKey(ByteString.copyFrom(keys.get(i))).setValue(ByteString.copyFrom(values.get(i)))));
        }
        if (!kv().txn(txn.build()).getSucceeded()) {
            throw new OpFailure("TXN_FAILED");
        }
    }

    @Override
    public byte[] get(byte[] key, boolean linearizable) {
        RangeResponse r = kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFrom(key))
                .setSerializable(!linearizable).build());
        return r.getKvsCount() == 0 ? null : r.getKvs(0).getValue().toByteArray();
    }

    @Override
    public void readModifyWrite(byte[] key, UnaryOperator<byte[]> patch) throws OpFailure {
        ByteString k = ByteString.copyFrom(key);
        for (int attempt = 0; attempt < MERGE_ATTEMPTS; attempt++) {
            RangeResponse r = kv().range(RangeRequest.newBuilder().setKey(k).build());
            if (r.getKvsCount() == 0) {
                throw new OpFailure("NOT_FOUND");
            }
            KeyValue current = r.getKvs(0);
            TxnRequest txn = TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.MOD)
                            .setResult(Compare.CompareResult.EQUAL).setModRevision(current.getModRevision()))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(k)
                            .setValue(ByteString.copyFrom(patch.apply(current.getValue().toByteArray())))))
                    .build();
            if (kv().txn(txn).getSucceeded()) {
                return;
            }
        }
        throw new OpFailure("CONFLICT");
    }

    @Override
    public String describe() {
        return "etcd " + cluster.version() + ", 3 members, WAL fsync per write (default)";
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

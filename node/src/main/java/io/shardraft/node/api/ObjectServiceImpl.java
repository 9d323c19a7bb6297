package io.shardraft.node.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.shardraft.api.v1.BatchDeleteRequest;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.BatchWriteResponse;
import io.shardraft.api.v1.CountRequest;
import io.shardraft.api.v1.CountResponse;
import io.shardraft.api.v1.DeleteRequest;
import io.shardraft.api.v1.ExportRequest;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.MergeRequest;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.SearchHitMessage;
import io.shardraft.api.v1.SearchRequest;
import io.shardraft.api.v1.SearchResponse;
import io.shardraft.api.v1.StoredObjectMessage;
import io.shardraft.api.v1.WriteResponse;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.node.db.HostDatabase;
import io.shardraft.node.db.ObjectIndex;
import io.shardraft.node.meta.ClusterMetadata;
import io.shardraft.node.store.PropertyFilter;
import io.shardraft.node.store.StoredObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** ObjectService: object writes and reads of any index, on any node. */
public final class ObjectServiceImpl extends ObjectServiceGrpc.ObjectServiceImplBase {
    static final int EXPORT_PAGE = 500;

    private final IndexResolver indexes;

    public ObjectServiceImpl(HostDatabase database, ClusterMetadata metadata) {
        this.indexes = new IndexResolver(database, metadata);
    }

    @Override
    public void put(PutRequest r, StreamObserver<WriteResponse> out) {
        ApiErrors.call(out, () -> indexes.resolve(r.getIndex()).thenCompose(i -> i.put(r.getObject(),
                r.hasExpectedVersion() ? Optional.of(r.getExpectedVersion()) : Optional.empty())),
                item -> WriteResponse.newBuilder().setResult(item).build());
    }

    @Override
    public void merge(MergeRequest r, StreamObserver<WriteResponse> out) {
        ApiErrors.call(out, () -> indexes.resolve(r.getIndex()).thenCompose(i -> i.merge(r.getMerge())),
                item -> WriteResponse.newBuilder().setResult(item).build());
    }

    @Override
    public void delete(DeleteRequest r, StreamObserver<WriteResponse> out) {
        ApiErrors.call(out, () -> indexes.resolve(r.getIndex()).thenCompose(i -> i.delete(r.getId(),
                r.hasExpectedVersion() ? Optional.of(r.getExpectedVersion()) : Optional.empty())),
                item -> WriteResponse.newBuilder().setResult(item).build());
    }

    @Override
    public void get(GetRequest r, StreamObserver<GetResponse> out) {
        ApiErrors.call(out, () -> indexes.resolve(r.getIndex())
                .thenCompose(i -> i.get(r.getId(), Messages.consistency(r.getConsistency()))),
                found -> found.map(o -> GetResponse.newBuilder().setFound(true).setObject(Messages.object(o)).build())
                        .orElse(GetResponse.newBuilder().setFound(false).build()));
    }

    @Override
    public void batchPut(BatchPutRequest r, StreamObserver<BatchWriteResponse> out) {
        ApiErrors.call(out, () -> indexes.resolve(r.getIndex()).thenCompose(i -> i.putBatch(r.getPutsList())),
                items -> BatchWriteResponse.newBuilder().addAllResults(items).build());
    }

    @Override
    public void batchDelete(BatchDeleteRequest r, StreamObserver<BatchWriteResponse> out) {
        ApiErrors.call(out, () -> indexes.resolve(r.getIndex()).thenCompose(i -> i.deleteBatch(r.getDeletesList())),
                items -> BatchWriteResponse.newBuilder().addAllResults(items).build());
    }

    @Override
    public void count(CountRequest r, StreamObserver<CountResponse> out) {
        ApiErrors.call(out, () -> indexes.resolve(r.getIndex())
                .thenCompose(i -> i.count(Messages.consistency(r.getConsistency()))),
                n -> CountResponse.newBuilder().setCount(n).build());
    }

    @Override
    public void search(SearchRequest r, StreamObserver<SearchResponse> out) {
        ApiErrors.call(out, () -> {
            Optional<PropertyFilter> filter = r.getFilterProperty().isEmpty() ? Optional.empty()
                    : Optional.of(PropertyFilter.equalTo(r.getFilterProperty(), r.getFilterValueJson()));
            return indexes.resolve(r.getIndex()).thenCompose(i -> i.search(Messages.floats(r.getVector()), r.getK(),
                    filter, Messages.consistency(r.getConsistency())));
        }, hits -> {
            SearchResponse.Builder b = SearchResponse.newBuilder();
            hits.forEach(h -> b.addHits(SearchHitMessage.newBuilder().setDistance(h.distance())
                    .setObject(Messages.object(h.object()))));
            return b.build();
        });
    }

    /** Streams every object in id order, a page at a time, honouring the client's flow control. */
    @Override
    public void export(ExportRequest r, StreamObserver<StoredObjectMessage> out) {
        ServerCallStreamObserver<StoredObjectMessage> call = (ServerCallStreamObserver<StoredObjectMessage>) out;
        ReadConsistency consistency = Messages.consistency(r.getConsistency());
        indexes.resolve(r.getIndex()).whenComplete((index, e) -> {
            if (e != null) {
                out.onError(ApiErrors.toStatus(e));
            } else {
                page(index, "", consistency, call);
            }
        });
    }

    private void page(ObjectIndex index, String after, ReadConsistency consistency,
            ServerCallStreamObserver<StoredObjectMessage> call) {
        CompletableFuture<List<StoredObject>> f = index.scan(after, EXPORT_PAGE, consistency);
        f.whenComplete((page, e) -> {
            if (e != null) {
                call.onError(ApiErrors.toStatus(e));
                return;
            }
            if (call.isCancelled()) {
                return;
            }
            for (StoredObject o : page) {
                call.onNext(Messages.object(o));
            }
            if (page.size() < EXPORT_PAGE) {
                call.onCompleted();
            } else {
                page(index, page.get(page.size() - 1).id(), consistency, call);
            }
        });
    }
}

package io.shardraft.node.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.shardraft.api.v1.BatchDeleteRequest;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.BatchWriteResponse;
import io.shardraft.api.v1.CountRequest;
import io.shardraft.api.v1.CountResponse;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.DeleteRequest;
import io.shardraft.api.v1.ExportRequest;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.MergeRequest;
import io.shardraft.api.v1.ObjectServiceGrpc;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.SearchHitMessage;
import io.shardraft.api.v1.SearchRequest;
import io.shardraft.api.v1.SearchResponse;
import io.shardraft.api.v1.StoredObjectMessage;
import io.shardraft.api.v1.WriteResponse;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.node.db.HostDatabase;
import io.shardraft.node.db.IndexDefinition;
import io.shardraft.node.db.ObjectIndex;
import io.shardraft.node.meta.ClusterMetadata;
import io.shardraft.node.store.PropertyFilter;
import io.shardraft.node.store.ReplicaPlacement;
import io.shardraft.node.store.StoredObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * ObjectService: object writes and reads of any index, on any node. Shards with a replica here are
 * served through the local {@link ObjectIndex} (writes then go through the shard's Raft group and its
 * leader); the part of a request that touches shards with no replica here is forwarded, once, to a node
 * that has one.
 */
public final class ObjectServiceImpl extends ObjectServiceGrpc.ObjectServiceImplBase {
    static final int EXPORT_PAGE = 500;

    private final HostDatabase database;
    private final IndexResolver indexes;
    private final Forwarding forwarding;
    private final List<String> nodes;
    private final java.util.concurrent.ConcurrentHashMap<IndexDefinition, List<List<String>>> placements =
            new java.util.concurrent.ConcurrentHashMap<>();

    ObjectServiceImpl(HostDatabase database, ClusterMetadata metadata, Forwarding forwarding, List<String> nodes) {
        this.database = database;
        this.indexes = new IndexResolver(database, metadata);
        this.forwarding = forwarding;
        this.nodes = List.copyOf(new TreeSet<>(nodes));
    }

    /** Where the shards of an index are, and which of them are here. */
    private record Shards(ObjectIndex index, List<List<String>> placement, Set<String> local) {
        boolean isLocal(int shard) {
            return local.contains(index.definition().shardName(shard));
        }

        List<String> replicas(int shard) {
            return placement.get(shard);
        }
    }

    private CompletableFuture<Shards> shards(String name) {
        return indexes.resolve(name).thenApply(i -> new Shards(i, placement(i.definition()),
                database.localShardNames(name)));
    }

    /** Placement is a pure function of the definition: computed once per index incarnation, not per request. */
    private List<List<String>> placement(IndexDefinition d) {
        return placements.computeIfAbsent(d, def -> ReplicaPlacement.place(nodes, def.shards(), def.replicationFactor()));
    }

    // ---- single-object calls -----------------------------------------------------------------------

    @Override
    public void put(PutRequest r, StreamObserver<WriteResponse> out) {
        ApiErrors.call(out, () -> shards(r.getIndex()).thenCompose(s -> {
            int shard = s.index().shardOfId(r.getObject().getId(), "put.object.id");
            return s.isLocal(shard)
                    ? s.index().put(r.getObject(), r.hasExpectedVersion() ? Optional.of(r.getExpectedVersion())
                            : Optional.empty()).thenApply(item -> WriteResponse.newBuilder().setResult(item).build())
                    : forwarding.toReplica(s.replicas(shard), stub -> stub.put(r));
        }), w -> w);
    }

    @Override
    public void merge(MergeRequest r, StreamObserver<WriteResponse> out) {
        ApiErrors.call(out, () -> shards(r.getIndex()).thenCompose(s -> {
            int shard = s.index().shardOfId(r.getMerge().getId(), "merge.id");
            return s.isLocal(shard)
                    ? s.index().merge(r.getMerge()).thenApply(item -> WriteResponse.newBuilder().setResult(item).build())
                    : forwarding.toReplica(s.replicas(shard), stub -> stub.merge(r));
        }), w -> w);
    }

    @Override
    public void delete(DeleteRequest r, StreamObserver<WriteResponse> out) {
        ApiErrors.call(out, () -> shards(r.getIndex()).thenCompose(s -> {
            int shard = s.index().shardOfId(r.getId(), "id");
            return s.isLocal(shard)
                    ? s.index().delete(r.getId(), r.hasExpectedVersion() ? Optional.of(r.getExpectedVersion())
                            : Optional.empty()).thenApply(item -> WriteResponse.newBuilder().setResult(item).build())
                    : forwarding.toReplica(s.replicas(shard), stub -> stub.delete(r));
        }), w -> w);
    }

    @Override
    public void get(GetRequest r, StreamObserver<GetResponse> out) {
        ApiErrors.call(out, () -> shards(r.getIndex()).thenCompose(s -> {
            int shard = s.index().shardOfId(r.getId(), "id");
            if (!s.isLocal(shard)) {
                return forwarding.toReplica(s.replicas(shard), stub -> stub.get(r));
            }
            return s.index().get(r.getId(), Messages.consistency(r.getConsistency())).thenApply(found -> found
                    .map(o -> GetResponse.newBuilder().setFound(true).setObject(Messages.object(o)).build())
                    .orElse(GetResponse.newBuilder().setFound(false).build()));
        }), g -> g);
    }

    // ---- batches -----------------------------------------------------------------------------------

    @Override
    public void batchPut(BatchPutRequest r, StreamObserver<BatchWriteResponse> out) {
        ApiErrors.call(out, () -> shards(r.getIndex()).thenCompose(s -> {
            List<PutObject> valid = s.index().validatedPuts(r.getPutsList());
            return split(s, valid, p -> p.getObject().getId(), s.index()::putValidated,
                    (shard, part) -> forwarding.toReplica(s.replicas(shard), stub -> stub.batchPut(
                            BatchPutRequest.newBuilder().setIndex(r.getIndex()).addAllPuts(part).build())));
        }), items -> BatchWriteResponse.newBuilder().addAllResults(items).build());
    }

    @Override
    public void batchDelete(BatchDeleteRequest r, StreamObserver<BatchWriteResponse> out) {
        ApiErrors.call(out, () -> shards(r.getIndex()).thenCompose(s -> {
            List<DeleteObject> valid = s.index().validatedDeletes(r.getDeletesList());
            return split(s, valid, DeleteObject::getId, s.index()::deleteValidated,
                    (shard, part) -> forwarding.toReplica(s.replicas(shard), stub -> stub.batchDelete(
                            BatchDeleteRequest.newBuilder().setIndex(r.getIndex()).addAllDeletes(part).build())));
        }), items -> BatchWriteResponse.newBuilder().addAllResults(items).build());
    }

    /** Local items in one local batch; each remote shard's items forwarded; results back in request order. */
    private <I> CompletableFuture<List<ItemResult>> split(Shards s, List<I> items, Function<I, String> id,
            Function<List<I>, CompletableFuture<List<ItemResult>>> local,
            java.util.function.BiFunction<Integer, List<I>, CompletableFuture<BatchWriteResponse>> remote) {
        List<Integer> localPositions = new ArrayList<>();
        Map<Integer, List<Integer>> remotePositions = new TreeMap<>();
        for (int i = 0; i < items.size(); i++) {
            int shard = s.index().definition().shardOf(id.apply(items.get(i)));
            if (s.isLocal(shard)) {
                localPositions.add(i);
            } else {
                remotePositions.computeIfAbsent(shard, x -> new ArrayList<>()).add(i);
            }
        }
        ItemResult[] results = new ItemResult[items.size()];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        if (!localPositions.isEmpty()) {
            parts.add(local.apply(localPositions.stream().map(items::get).toList()).thenAccept(rs -> {
                for (int j = 0; j < localPositions.size(); j++) {
                    results[localPositions.get(j)] = rs.get(j);
                }
            }));
        }
        remotePositions.forEach((shard, positions) -> parts.add(remote.apply(shard,
                positions.stream().map(items::get).toList()).thenAccept(resp -> {
                    for (int j = 0; j < positions.size(); j++) {
                        results[positions.get(j)] = resp.getResults(j);
                    }
                })));
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> List.of(results));
    }

    // ---- index-wide reads --------------------------------------------------------------------------

    /** The requested shards (all when none named), split into local ones and remote ones. */
    private record Plan(List<Integer> local, List<Integer> remote) {
    }

    private Plan plan(Shards s, List<String> requested) {
        List<Integer> wanted = requested.isEmpty() ? s.index().allShards() : s.index().shardNumbers(requested);
        List<Integer> local = new ArrayList<>();
        List<Integer> remote = new ArrayList<>();
        for (int shard : wanted) {
            (s.isLocal(shard) ? local : remote).add(shard);
        }
        return new Plan(local, remote);
    }

    @Override
    public void count(CountRequest r, StreamObserver<CountResponse> out) {
        ApiErrors.call(out, () -> shards(r.getIndex()).thenCompose(s -> {
            Plan p = plan(s, r.getShardsList());
            ReadConsistency c = Messages.consistency(r.getConsistency());
            List<CompletableFuture<Long>> parts = new ArrayList<>();
            if (!p.local().isEmpty()) {
                parts.add(s.index().count(p.local(), c));
            }
            for (int shard : p.remote()) {
                parts.add(forwarding.toReplica(s.replicas(shard), stub -> stub.count(r.toBuilder().clearShards()
                        .addShards(s.index().definition().shardName(shard)).build())).thenApply(CountResponse::getCount));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                    .thenApply(v -> parts.stream().mapToLong(CompletableFuture::join).sum());
        }), n -> CountResponse.newBuilder().setCount(n).build());
    }

    @Override
    public void search(SearchRequest r, StreamObserver<SearchResponse> out) {
        ApiErrors.call(out, () -> shards(r.getIndex()).thenCompose(s -> {
            Optional<PropertyFilter> filter = r.getFilterProperty().isEmpty() ? Optional.empty()
                    : Optional.of(PropertyFilter.equalTo(r.getFilterProperty(), r.getFilterValueJson()));
            Plan p = plan(s, r.getShardsList());
            List<CompletableFuture<List<SearchHitMessage>>> parts = new ArrayList<>();
            parts.add(s.index().search(p.local(), Messages.floats(r.getVector()), (int) r.getK(), filter,
                    Messages.consistency(r.getConsistency())).thenApply(hits -> hits.stream().map(h -> SearchHitMessage
                            .newBuilder().setDistance(h.distance()).setObject(Messages.object(h.object())).build())
                            .toList()));
            for (int shard : p.remote()) {
                parts.add(forwarding.toReplica(s.replicas(shard), stub -> stub.search(r.toBuilder().clearShards()
                        .addShards(s.index().definition().shardName(shard)).build()))
                        .thenApply(SearchResponse::getHitsList));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> parts.stream()
                    .flatMap(f -> f.join().stream())
                    .sorted(Comparator.comparingDouble(SearchHitMessage::getDistance)
                            .thenComparing(h -> h.getObject().getId()))
                    .limit(r.getK()).toList());
        }), hits -> SearchResponse.newBuilder().addAllHits(hits).build());
    }

    /**
     * Streams every object of the requested shards in id order, a page at a time. Shards with no replica
     * here are read from a node that has one (their objects are gathered before streaming).
     */
    @Override
    public void export(ExportRequest r, StreamObserver<StoredObjectMessage> out) {
        ServerCallStreamObserver<StoredObjectMessage> call = (ServerCallStreamObserver<StoredObjectMessage>) out;
        ReadConsistency consistency = Messages.consistency(r.getConsistency());
        shards(r.getIndex()).whenComplete((s, e) -> {
            if (e != null) {
                out.onError(ApiErrors.toStatus(e));
                return;
            }
            Plan p;
            try {
                p = plan(s, r.getShardsList());
            } catch (RuntimeException ex) {
                out.onError(ApiErrors.toStatus(ex));
                return;
            }
            if (p.remote().isEmpty()) {
                page(s.index(), p.local(), "", consistency, call);
                return;
            }
            CompletableFuture.supplyAsync(() -> gatherAll(s, p, r, consistency)).whenComplete((all, ex) -> {
                if (ex != null) {
                    call.onError(ApiErrors.toStatus(ex));
                    return;
                }
                all.forEach(call::onNext);
                call.onCompleted();
            });
        });
    }

    private List<StoredObjectMessage> gatherAll(Shards s, Plan p, ExportRequest r, ReadConsistency consistency) {
        List<StoredObjectMessage> all = new ArrayList<>();
        String after = "";
        while (!p.local().isEmpty()) {
            List<StoredObject> page = s.index().scan(p.local(), after, EXPORT_PAGE, consistency).join();
            page.forEach(o -> all.add(Messages.object(o)));
            if (page.size() < EXPORT_PAGE) {
                break;
            }
            after = page.get(page.size() - 1).id();
        }
        for (int shard : p.remote()) {
            ExportRequest part = r.toBuilder().clearShards().addShards(s.index().definition().shardName(shard)).build();
            RuntimeException last = null;
            boolean done = false;
            for (String node : s.replicas(shard)) {
                if (node.equals(forwardingSelf()) || done) {
                    continue;
                }
                try {
                    forwarding.blockingStub(node).export(part).forEachRemaining(all::add);
                    done = true;
                } catch (RuntimeException ex) {
                    last = ex;
                }
            }
            if (!done) {
                throw last != null ? last : new IllegalStateException("no replica of " + shard + " answered");
            }
        }
        all.sort(Comparator.comparing(StoredObjectMessage::getId));
        return all;
    }

    private String forwardingSelf() {
        return database.nodeId();
    }

    private void page(ObjectIndex index, List<Integer> shards, String after, ReadConsistency consistency,
            ServerCallStreamObserver<StoredObjectMessage> call) {
        index.scan(shards, after, EXPORT_PAGE, consistency).whenComplete((page, e) -> {
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
                page(index, shards, page.get(page.size() - 1).id(), consistency, call);
            }
        });
    }
}

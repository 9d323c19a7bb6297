package io.shardraft.node.db;

import com.google.common.base.Preconditions;
import io.shardraft.adapter.ShardRouting;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.DeleteBatch;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutBatch;
import io.shardraft.api.v1.PutObject;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.cluster.spi.SingleObjectWrite;
import io.shardraft.node.store.KnnMerge;
import io.shardraft.node.store.MapDbShard;
import io.shardraft.node.store.ObjectValidationException;
import io.shardraft.node.store.ObjectValidator;
import io.shardraft.node.store.PropertyFilter;
import io.shardraft.node.store.SearchHit;
import io.shardraft.node.store.StoredObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The reference host's request handling for one index: validates every write before it is proposed,
 * sends each to its shard through {@link ShardRouting} (standalone or replicated, the same calls), and
 * answers reads from this node's replicas, merging shards where a read spans the index.
 * A batch is split by shard into one command per shard; each of those is atomic.
 */
public final class ObjectIndex {
    public static final int MAX_K = 10_000;
    public static final int MAX_PAGE = 10_000;

    private final IndexDefinition definition;
    private final ShardRouting routing;
    private final ObjectValidator validator;

    ObjectIndex(IndexDefinition definition, ShardRouting routing) {
        this.definition = definition;
        this.routing = routing;
        this.validator = new ObjectValidator(definition.schema());
    }

    public IndexDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.name();
    }

    // ---- writes ------------------------------------------------------------------------------------

    /** Create or replace; with {@code expectedVersion} only if the stored version matches (0: must not exist). */
    public CompletableFuture<ItemResult> put(ObjectData object, Optional<Long> expectedVersion) {
        PutObject.Builder p = PutObject.newBuilder().setObject(object);
        expectedVersion.ifPresent(p::setExpectedVersion);
        return single(Command.newBuilder().setPut(p).build(), object.getId());
    }

    public CompletableFuture<ItemResult> put(ObjectData object) {
        return put(object, Optional.empty());
    }

    public CompletableFuture<ItemResult> merge(MergeObject merge) {
        return single(Command.newBuilder().setMerge(merge).build(), merge.getId());
    }

    public CompletableFuture<ItemResult> delete(String id, Optional<Long> expectedVersion) {
        DeleteObject.Builder d = DeleteObject.newBuilder().setId(id);
        expectedVersion.ifPresent(d::setExpectedVersion);
        return single(Command.newBuilder().setDelete(d).build(), id);
    }

    private CompletableFuture<ItemResult> single(Command command, String id) {
        Command valid;
        try {
            valid = validator.validate(command);
        } catch (ObjectValidationException e) {
            return CompletableFuture.failedFuture(e);
        }
        String shard = definition.shardName(definition.shardOf(SingleObjectWrite.objectId(valid)));
        return routing.submit(shard, valid).thenApply(r -> r.getItems(0));
    }

    /**
     * Puts many objects: the whole batch is validated first (one invalid item rejects it all, nothing is
     * written), then each shard's part is applied as one atomic log entry. Results are in request order.
     */
    public CompletableFuture<List<ItemResult>> putBatch(List<PutObject> puts) {
        List<PutObject> valid;
        try {
            valid = validatedPuts(puts);
        } catch (ObjectValidationException e) {
            return CompletableFuture.failedFuture(e);
        }
        return putValidated(valid);
    }

    /**
     * Puts objects that {@link #validatedPuts} returned, without checking them again: each shard's part as one
     * atomic log entry, marked admitted, so no replica checks them either. Only for items from that method.
     */
    public CompletableFuture<List<ItemResult>> putValidated(List<PutObject> validated) {
        return split(validated, p -> p.getObject().getId(),
                items -> Command.newBuilder().setPutBatch(PutBatch.newBuilder().addAllPuts(items)));
    }

    public CompletableFuture<List<ItemResult>> deleteBatch(List<DeleteObject> deletes) {
        List<DeleteObject> valid;
        try {
            valid = validatedDeletes(deletes);
        } catch (ObjectValidationException e) {
            return CompletableFuture.failedFuture(e);
        }
        return deleteValidated(valid);
    }

    /** Deletes what {@link #validatedDeletes} returned, as {@link #putValidated} puts. Only for items from it. */
    public CompletableFuture<List<ItemResult>> deleteValidated(List<DeleteObject> validated) {
        return split(validated, DeleteObject::getId,
                items -> Command.newBuilder().setDeleteBatch(DeleteBatch.newBuilder().addAllDeletes(items)));
    }

    /** Proposes each shard's part of validated {@code items} as one command, admitted as the items were. */
    private <I> CompletableFuture<List<ItemResult>> split(List<I> items, Function<I, String> id,
            Function<List<I>, Command.Builder> command) {
        Map<Integer, List<Integer>> positionsByShard = new TreeMap<>();
        for (int i = 0; i < items.size(); i++) {
            positionsByShard.computeIfAbsent(definition.shardOf(id.apply(items.get(i))), s -> new ArrayList<>()).add(i);
        }
        ItemResult[] results = new ItemResult[items.size()];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        positionsByShard.forEach((shard, positions) -> {
            List<I> part = positions.stream().map(items::get).toList();
            Command admitted = command.apply(part).setAdmitted(true).build();
            parts.add(routing.submit(definition.shardName(shard), admitted).thenAccept(r -> {
                for (int j = 0; j < positions.size(); j++) {
                    results[positions.get(j)] = r.getItems(j);
                }
            }));
        });
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> List.of(results));
    }

    /** The shard number of an object id; ObjectValidationException naming {@code field} if it is not a UUID. */
    public int shardOfId(String id, String field) {
        return definition.shardOf(ObjectValidator.canonicalId(id, field));
    }

    /** The batch validated and normalized as it would be proposed (one invalid item rejects it all). */
    public List<PutObject> validatedPuts(List<PutObject> puts) {
        return validator.validate(Command.newBuilder().setPutBatch(PutBatch.newBuilder().addAllPuts(puts)).build())
                .getPutBatch().getPutsList();
    }

    public List<DeleteObject> validatedDeletes(List<DeleteObject> deletes) {
        return validator.validate(Command.newBuilder().setDeleteBatch(DeleteBatch.newBuilder().addAllDeletes(deletes))
                .build()).getDeleteBatch().getDeletesList();
    }

    // ---- reads -------------------------------------------------------------------------------------

    public CompletableFuture<Optional<StoredObject>> get(String id, ReadConsistency consistency) {
        String canonical;
        try {
            canonical = validator.validate(Command.newBuilder().setDelete(DeleteObject.newBuilder().setId(id)).build())
                    .getDelete().getId();
        } catch (ObjectValidationException e) {
            return CompletableFuture.failedFuture(new ObjectValidationException("id", e.getMessage()));
        }
        return read(definition.shardName(definition.shardOf(canonical)), consistency, s -> s.get(canonical));
    }

    public CompletableFuture<Long> count(ReadConsistency consistency) {
        return count(allShards(), consistency);
    }

    /** The number of objects in the given shards (numbers, see {@link #shardNumbers}). */
    public CompletableFuture<Long> count(Collection<Integer> shards, ReadConsistency consistency) {
        return onShards(shards, consistency, MapDbShard::count)
                .thenApply(l -> l.stream().mapToLong(Long::longValue).sum());
    }

    /** Objects in id order after {@code afterId} (exclusive; empty for the first page), at most {@code limit}. */
    public CompletableFuture<List<StoredObject>> scan(String afterId, int limit, ReadConsistency consistency) {
        return scan(allShards(), afterId, limit, consistency);
    }

    public CompletableFuture<List<StoredObject>> scan(Collection<Integer> shards, String afterId, int limit,
            ReadConsistency consistency) {
        Preconditions.checkArgument(limit >= 1 && limit <= MAX_PAGE, "limit must be between 1 and %s", MAX_PAGE);
        return onShards(shards, consistency, s -> s.scan(afterId, limit)).thenApply(pages -> mergePages(pages, limit));
    }

    /** Merges id-ordered pages of several shards into one id-ordered page of at most {@code limit}. */
    public static List<StoredObject> mergePages(Collection<List<StoredObject>> pages, int limit) {
        return pages.stream().flatMap(List::stream).sorted(Comparator.comparing(StoredObject::id)).limit(limit).toList();
    }

    /** Exact k nearest neighbours over every shard of the index, with an optional property filter. */
    public CompletableFuture<List<SearchHit>> search(float[] query, int k, Optional<PropertyFilter> filter,
            ReadConsistency consistency) {
        return search(allShards(), query, k, filter, consistency);
    }

    /** Exact k nearest neighbours over the given shards. */
    public CompletableFuture<List<SearchHit>> search(Collection<Integer> shards, float[] query, int k,
            Optional<PropertyFilter> filter, ReadConsistency consistency) {
        if (k < 1 || k > MAX_K) {
            return CompletableFuture.failedFuture(new ObjectValidationException("k", "must be between 1 and " + MAX_K
                    + ", got " + k));
        }
        if (query == null || query.length != definition.dimensions()) {
            return CompletableFuture.failedFuture(new ObjectValidationException("vector", "expected "
                    + definition.dimensions() + " dimensions, got " + (query == null ? 0 : query.length)));
        }
        for (int i = 0; i < query.length; i++) {
            if (!Float.isFinite(query[i])) {
                return CompletableFuture.failedFuture(new ObjectValidationException("vector[" + i + "]",
                        "must be finite, got " + query[i]));
            }
        }
        return onShards(shards, consistency, s -> s.search(query, k, definition.distance(), filter))
                .thenApply(perShard -> KnnMerge.merge(perShard, k));
    }

    /** This node's replica checksums, by shard name, as the replicas are now. */
    public CompletableFuture<Map<String, String>> checksums() {
        return checksums(ReadConsistency.EVENTUAL);
    }

    /** This node's replica checksums, by shard name, after a read barrier of the given consistency. */
    public CompletableFuture<Map<String, String>> checksums(ReadConsistency consistency) {
        Map<String, String> out = new TreeMap<>();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (int s = 0; s < definition.shards(); s++) {
            String shard = definition.shardName(s);
            parts.add(read(shard, consistency, MapDbShard::checksum).handle((sum, e) -> {
                if (e == null) {
                    synchronized (out) {
                        out.put(shard, sum);
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> Map.copyOf(out));
    }

    private <T> CompletableFuture<T> read(String shard, ReadConsistency consistency, Function<MapDbShard, T> reader) {
        return routing.read(shard, consistency, host -> reader.apply((MapDbShard) host));
    }

    /** Every shard number of the index. */
    public List<Integer> allShards() {
        List<Integer> all = new ArrayList<>();
        for (int s = 0; s < definition.shards(); s++) {
            all.add(s);
        }
        return all;
    }

    /** Shard numbers for shard names of this index; INVALID_ARGUMENT-style exception for an unknown one. */
    public List<Integer> shardNumbers(Collection<String> names) {
        List<Integer> out = new ArrayList<>();
        for (String n : names) {
            int s = -1;
            for (int i = 0; i < definition.shards(); i++) {
                if (definition.shardName(i).equals(n)) {
                    s = i;
                }
            }
            if (s < 0) {
                throw new ObjectValidationException("shards", "index '" + name() + "' has no shard '" + n + "'");
            }
            out.add(s);
        }
        return out;
    }

    private <T> CompletableFuture<List<T>> onShards(Collection<Integer> shards, ReadConsistency consistency,
            Function<MapDbShard, T> reader) {
        List<CompletableFuture<T>> parts = new ArrayList<>();
        for (int s : shards) {
            parts.add(read(definition.shardName(s), consistency, reader));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
    }
}

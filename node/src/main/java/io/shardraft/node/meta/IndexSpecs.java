package io.shardraft.node.meta;

import io.shardraft.api.v1.IndexSpec;
import io.shardraft.node.db.IndexDefinition;
import io.shardraft.node.store.Distance;

/** Conversions between the wire's IndexSpec and IndexDefinition (validation included). */
public final class IndexSpecs {
    private IndexSpecs() {
    }

    /** @throws IllegalArgumentException naming the bad field */
    public static IndexDefinition toDefinition(IndexSpec spec, long incarnation) {
        Distance metric = spec.getMetric().isEmpty() ? Distance.COSINE : Distance.parse(spec.getMetric());
        int rf = spec.getReplicationFactor() == 0 && spec.getUnreplicated() ? 1 : (int) spec.getReplicationFactor();
        return new IndexDefinition(spec.getName(), (int) spec.getShards(), rf, (int) spec.getDimensions(), metric,
                !spec.getUnreplicated(), incarnation);
    }

    public static IndexSpec toSpec(IndexDefinition def) {
        return IndexSpec.newBuilder()
                .setName(def.name())
                .setShards(def.shards())
                .setReplicationFactor(def.replicationFactor())
                .setDimensions(def.dimensions())
                .setMetric(def.distance().wireName())
                .setUnreplicated(!def.replicated())
                .build();
    }
}

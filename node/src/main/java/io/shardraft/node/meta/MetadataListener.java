package io.shardraft.node.meta;

import io.shardraft.node.db.IndexDefinition;

/** What a node does when the replicated metadata creates or drops an index (it calls the host's index layer). */
public interface MetadataListener {
    void indexCreated(IndexDefinition definition);

    void indexDropped(IndexDefinition definition);
}

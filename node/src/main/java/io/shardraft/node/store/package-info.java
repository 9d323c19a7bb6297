/**
 * The reference host store: one {@link io.shardraft.node.store.MapDbShard} (a MapDB file) per shard
 * replica, implementing the replication core's {@link io.shardraft.cluster.spi.HostShard} SPI.
 *
 * <ul>
 *   <li>Before proposing: {@link io.shardraft.node.store.ObjectValidator} checks and normalizes a command
 *       against the index's {@link io.shardraft.node.store.IndexSchema}.</li>
 *   <li>Routing: {@link io.shardraft.node.store.ShardHasher} maps an object id to its shard,
 *       {@link io.shardraft.node.store.ReplicaPlacement} a shard to its nodes.</li>
 *   <li>Apply: {@link io.shardraft.node.store.MapDbShard#apply} (deterministic, idempotent by log
 *       index, one transaction per entry).</li>
 *   <li>Reads: get/scan/exact kNN search per shard; {@link io.shardraft.node.store.KnnMerge} combines
 *       per-shard hits.</li>
 * </ul>
 */
package io.shardraft.node.store;

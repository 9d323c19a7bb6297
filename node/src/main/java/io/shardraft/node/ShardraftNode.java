package io.shardraft.node;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.rpc.ShardReplicationClient;
import io.shardraft.cluster.rpc.ShardReplicationServer;
import io.shardraft.node.api.AdminServiceImpl;
import io.shardraft.node.api.IndexServiceImpl;
import io.shardraft.node.api.InlineWriteCalls;
import io.shardraft.node.api.NodeLocalServiceImpl;
import io.shardraft.node.api.ObjectServices;
import io.shardraft.node.db.HostDatabase;
import io.shardraft.node.db.IndexDefinition;
import io.shardraft.node.meta.ClusterMetadata;
import io.shardraft.node.meta.MetadataListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One node of the reference host: the Registry (one JRaft RPC port for every group), the cluster
 * metadata group, the host database on MapDB, and one gRPC server for ShardReplicationService and the
 * client API (index, object, admin), with health checking and reflection. The health status turns
 * SERVING once the node has caught up with the metadata group (and so re-opened its indexes).
 * Closing it stops the gRPC server, unloads every index (files kept) and stops the Registry.
 */
public final class ShardraftNode implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ShardraftNode.class);

    private final NodeConfig config;
    private final Registry registry;
    private final HostDatabase database;
    private final ClusterMetadata metadata;
    private final Server server;
    private final HealthStatusManager health;
    private final ScheduledExecutorService scheduler;
    private volatile boolean ready;

    private ShardraftNode(NodeConfig config) {
        this.config = config;
        List<String> nodes = List.copyOf(config.peers().keySet());
        ShardReplicationClient client = ShardReplicationClient.forRegistry(RegistryConfigs.of(config, null));
        this.registry = new Registry(RegistryConfigs.of(config, c -> client));
        registry.start();
        this.database = new HostDatabase(config.nodeId(), nodes, config.dataDir(), registry, config.store());
        this.metadata = new ClusterMetadata(registry, nodes, new MetadataListener() {
            @Override
            public void indexCreated(IndexDefinition definition) {
                database.createIndex(definition);
            }

            @Override
            public void indexDropped(IndexDefinition definition) {
                database.dropIndex(definition.name());
            }
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat("shardraft-node-" + config.nodeId()).setDaemon(true).build());
        this.health = new HealthStatusManager();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        NodeLocalServiceImpl local = new NodeLocalServiceImpl(config.nodeId(), config.self(), registry, database, metadata);
        this.server = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.bindHost(), config.self().grpcPort()))
                .maxInboundMessageSize(config.settings().maxMessageBytes())
                .callExecutor(new InlineWriteCalls())
                .addService(new ShardReplicationServer(registry))
                .addService(new IndexServiceImpl(metadata, registry, nodes, scheduler))
                .addService(io.grpc.ServerInterceptors.intercept(ObjectServices.create(config, database, metadata,
                        client::channel), ObjectServices.forwardedMarker()))
                .addService(new AdminServiceImpl(config.nodeId(), config.peers(), local, client::channel, metadata,
                        config.settings().applyTimeout()))
                .addService(local)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
    }

    /** Starts the node; it becomes ready (health SERVING) in the background once it caught up. */
    public static ShardraftNode start(NodeConfig config) {
        return start(config, database -> { });
    }

    /**
     * Starts the node and, before it can become ready, lets {@code openFirst} open indexes the host database holds
     * outside the cluster metadata (an embedding host's own, or a test's): becoming ready removes the directories of
     * indexes that are neither in the metadata nor open. If {@code openFirst} throws, the node is closed again.
     */
    public static ShardraftNode start(NodeConfig config, java.util.function.Consumer<HostDatabase> openFirst) {
        ShardraftNode node = new ShardraftNode(config);
        try {
            node.server.start();
        } catch (IOException e) {
            node.closeInternals();
            throw new UncheckedIOException("node " + config.nodeId() + " cannot serve gRPC on " + config.bindHost()
                    + ":" + config.self().grpcPort() + ": " + e.getMessage(), e);
        }
        try {
            node.metadata.start();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        try {
            openFirst.accept(node.database);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        node.scheduler.execute(node::becomeReady);
        LOG.info("node {} up: gRPC {}:{}, Raft {}:{}, data {}", config.nodeId(), config.bindHost(),
                config.self().grpcPort(), config.bindHost(), config.self().raftPort(), config.dataDir());
        return node;
    }

    private void becomeReady() {
        if (ready || server.isShutdown()) {
            return;
        }
        metadata.catchUp().whenComplete((index, e) -> {
            if (e != null) {
                LOG.debug("node {} not ready yet: {}", config.nodeId(), e.getMessage());
                if (!server.isShutdown()) {
                    scheduler.schedule(this::becomeReady, 200, TimeUnit.MILLISECONDS);
                }
                return;
            }
            try {
                // the shared Raft log store lives beside the index directories and holds every group's log; an index
                // the metadata knows stays even if it failed to open here (its files are what an operator repairs)
                Set<String> keep = new java.util.TreeSet<>(Set.of(ClusterMetadata.META_INDEX, Registry.SHARED_LOG_DIR));
                metadata.localDefinitions().forEach(d -> keep.add(d.raftName()));
                database.purgeUnknownDirectories(keep);
            } catch (RuntimeException ex) {
                LOG.warn("node {} could not remove stale index directories", config.nodeId(), ex);
            }
            ready = true;
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
            LOG.info("node {} ready: caught up with the cluster metadata at index {}", config.nodeId(), index);
        });
    }

    /** Whether the node has caught up with the metadata group and serves its health as SERVING. */
    public boolean isReady() {
        return ready;
    }

    public NodeConfig config() {
        return config;
    }

    public Registry registry() {
        return registry;
    }

    public HostDatabase database() {
        return database;
    }

    public ClusterMetadata metadata() {
        return metadata;
    }

    /** Blocks until the gRPC server terminates. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        closeInternals();
        LOG.info("node {} stopped", config.nodeId());
    }

    private void closeInternals() {
        scheduler.shutdownNow();
        database.close();
        registry.shutdown();
    }
}

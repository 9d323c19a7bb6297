package io.shardraft.node;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.shardraft.cluster.data.Registry;
import io.shardraft.cluster.data.RegistryConfig;
import io.shardraft.cluster.data.StaticAddressResolver;
import io.shardraft.cluster.rpc.ShardReplicationClient;
import io.shardraft.cluster.rpc.ShardReplicationServer;
import io.shardraft.node.db.HostDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One node of the reference host: the Registry (one JRaft RPC port for every shard group), the host
 * database on MapDB, and one gRPC server for ShardReplicationService and any extra services given.
 * Closing it stops the gRPC server, unloads every index (files kept) and stops the Registry.
 */
public final class ShardraftNode implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ShardraftNode.class);

    private final NodeConfig config;
    private final Registry registry;
    private final HostDatabase database;
    private final Server server;

    private ShardraftNode(NodeConfig config, Registry registry, HostDatabase database, Server server) {
        this.config = config;
        this.registry = registry;
        this.database = database;
        this.server = server;
    }

    public static ShardraftNode start(NodeConfig config, List<BindableService> extraServices) {
        Registry registry = new Registry(RegistryConfig.builder()
                .nodeId(config.nodeId())
                .addressResolver(new StaticAddressResolver(config.peers()))
                .bindHost(config.bindHost())
                .dataDir(config.dataDir())
                .settings(config.settings())
                .rpcClientMaker(ShardReplicationClient::forRegistry)
                .build());
        registry.start();
        HostDatabase database = new HostDatabase(config.nodeId(), config.peers().keySet(), config.dataDir(), registry,
                config.store());
        NettyServerBuilder b = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.bindHost(), config.self().grpcPort()))
                .maxInboundMessageSize(config.settings().maxMessageBytes())
                .addService(new ShardReplicationServer(registry));
        extraServices.forEach(b::addService);
        Server server = b.build();
        try {
            server.start();
        } catch (IOException e) {
            database.close();
            registry.shutdown();
            throw new UncheckedIOException("node " + config.nodeId() + " cannot serve gRPC on " + config.bindHost()
                    + ":" + config.self().grpcPort(), e);
        }
        LOG.info("node {} up: gRPC {}:{}, Raft {}:{}, data {}", config.nodeId(), config.bindHost(),
                config.self().grpcPort(), config.bindHost(), config.self().raftPort(), config.dataDir());
        return new ShardraftNode(config, registry, database, server);
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

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        database.close();
        registry.shutdown();
        LOG.info("node {} stopped", config.nodeId());
    }
}

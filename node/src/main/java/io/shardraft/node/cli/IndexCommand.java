package io.shardraft.node.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardraft.api.v1.CreateIndexRequest;
import io.shardraft.api.v1.DescribeIndexRequest;
import io.shardraft.api.v1.DropIndexRequest;
import io.shardraft.api.v1.DropIndexResponse;
import io.shardraft.api.v1.IndexInfo;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ListIndexesRequest;
import io.shardraft.api.v1.ListIndexesResponse;
import io.shardraft.api.v1.ShardPlacement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shardraft index create|drop|list|describe}. */
@Command(name = "index", description = "Create, drop, list and describe indexes.",
        subcommands = {IndexCommand.Create.class, IndexCommand.Drop.class, IndexCommand.ListIndexes.class,
                IndexCommand.Describe.class})
final class IndexCommand extends ShardraftCli.Group {

    static String summary(IndexSpec spec) {
        return spec.getShards() + " shards x " + spec.getReplicationFactor() + " replicas, " + spec.getDimensions()
                + " dims, " + spec.getMetric() + (!spec.getUnreplicated() ? "" : ", not replicated");
    }

    @Command(name = "create", description = "Create an index.")
    static final class Create extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--shards", required = true, paramLabel = "N", description = "Number of shards.")
        int shards;

        @Option(names = "--replicas", required = true, paramLabel = "R", description = "Replicas per shard.")
        int replicas;

        @Option(names = "--dims", required = true, paramLabel = "D", description = "Vector dimensions.")
        int dims;

        @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "cosine",
                converter = ArgConverters.MetricConverter.class,
                description = "Distance metric: cosine, dot or l2 (default: ${DEFAULT-VALUE}).")
        String metric;

        @Option(names = "--standalone", description = "One copy per shard without Raft (no replication).")
        boolean standalone;

        @Override
        int run() {
            IndexSpec spec = IndexSpec.newBuilder().setName(name).setShards(shards).setReplicationFactor(replicas)
                    .setDimensions(dims).setMetric(metric).setUnreplicated(standalone).build();
            NodeClient client = connect();
            IndexInfo info = client.indexes().createIndex(CreateIndexRequest.newBuilder().setSpec(spec).build());
            if (options.json) {
                printJson(CliJson.indexInfo(info));
            } else {
                out().println("created index '" + info.getSpec().getName() + "' (" + summary(info.getSpec()) + ")");
            }
            return 0;
        }
    }

    @Command(name = "drop", description = "Drop an index and all its data.")
    static final class Drop extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int run() {
            DropIndexResponse response = connect().indexes().dropIndex(DropIndexRequest.newBuilder().setName(name).build());
            if (!response.getDropped()) {
                throw new CliException("index '" + name + "' was not dropped");
            }
            if (options.json) {
                ObjectNode json = CliJson.object();
                json.put("name", name);
                json.put("dropped", true);
                printJson(json);
            } else {
                out().println("dropped index '" + name + "'");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the indexes.")
    static final class ListIndexes extends CliCommand {
        @Override
        int run() {
            ListIndexesResponse response = connect().indexes().listIndexes(ListIndexesRequest.getDefaultInstance());
            if (options.json) {
                ObjectNode json = CliJson.object();
                ArrayNode indexes = json.putArray("indexes");
                response.getIndexesList().forEach(i -> indexes.add(CliJson.indexInfo(i)));
                printJson(json);
                return 0;
            }
            if (response.getIndexesCount() == 0) {
                out().println("no indexes");
                return 0;
            }
            TextTable table = new TextTable("NAME", "SHARDS", "REPLICAS", "DIMS", "METRIC", "REPLICATED", "INCARNATION");
            for (IndexInfo info : response.getIndexesList()) {
                IndexSpec spec = info.getSpec();
                table.row(spec.getName(), spec.getShards(), spec.getReplicationFactor(), spec.getDimensions(),
                        spec.getMetric(), !spec.getUnreplicated() ? "yes" : "no", info.getIncarnation());
            }
            table.print(out());
            return 0;
        }
    }

    @Command(name = "describe", description = "Show an index's definition and shard placement.")
    static final class Describe extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int run() {
            IndexInfo info = connect().indexes().describeIndex(DescribeIndexRequest.newBuilder().setName(name).build());
            if (options.json) {
                printJson(CliJson.indexInfo(info));
                return 0;
            }
            out().println("index '" + info.getSpec().getName() + "': " + summary(info.getSpec())
                    + ", incarnation " + info.getIncarnation());
            TextTable table = new TextTable("SHARD", "LEADER", "REPLICAS");
            for (ShardPlacement shard : info.getShardsList()) {
                table.row(shard.getShard(), shard.getLeader().isEmpty() ? "-" : shard.getLeader(),
                        String.join(",", shard.getReplicasList()));
            }
            table.print(out());
            return 0;
        }
    }
}

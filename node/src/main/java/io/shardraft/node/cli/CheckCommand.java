package io.shardraft.node.cli;

import io.shardraft.api.v1.ConsistencyCheckRequest;
import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.ReplicaChecksum;
import io.shardraft.api.v1.ShardCheck;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shardraft check NAME}: per-shard replica checksums; exit 1 if any shard's replicas differ. */
@Command(name = "check", description = "Compare the checksums of every shard's replicas; exit 1 if any differ.")
final class CheckCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
    String index;

    @Override
    int run() {
        ConsistencyCheckResponse check = connect().admin()
                .consistencyCheck(ConsistencyCheckRequest.newBuilder().setIndex(index).build());
        if (options.json) {
            printJson(CliJson.consistencyCheck(check));
        } else {
            print(check, this);
        }
        return verdict(check, this);
    }

    static void print(ConsistencyCheckResponse check, CliCommand command) {
        TextTable table = new TextTable("SHARD", "NODE", "CHECKSUM", "APPLIED", "SHARD CONSISTENT", "ERROR");
        for (ShardCheck shard : check.getShardsList()) {
            for (ReplicaChecksum replica : shard.getReplicasList()) {
                table.row(shard.getShard(), replica.getNodeId(), replica.getChecksum(), replica.getAppliedIndex(),
                        shard.getConsistent() ? "yes" : "NO", replica.getError());
            }
        }
        table.print(command.out());
    }

    /** 0 and a summary line when consistent; else 1 with the differing shards on stderr. */
    static int verdict(ConsistencyCheckResponse check, CliCommand command) {
        String name = check.getIndex().isEmpty() ? "" : " '" + check.getIndex() + "'";
        if (check.getConsistent()) {
            if (!command.options.json) {
                command.out().println("index" + name + " is consistent (" + check.getShardsCount() + " shards)");
            }
            return 0;
        }
        String bad = check.getShardsList().stream().filter(s -> !s.getConsistent()).map(ShardCheck::getShard)
                .collect(Collectors.joining(", "));
        return command.fail("index" + name + " is NOT consistent: replicas differ in "
                + (bad.isEmpty() ? "(no shard named)" : "shard " + bad), null);
    }
}

package io.shardraft.node.cli;

import io.shardraft.api.v1.ClusterStatusRequest;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.NodeStatus;
import io.shardraft.api.v1.ReplicaStatus;
import java.util.Comparator;
import picocli.CommandLine.Command;

/** {@code shardraft status}: the nodes and every shard replica's Raft state, as one node sees the cluster. */
@Command(name = "status", description = "Show the nodes and the Raft state of every shard replica.")
final class StatusCommand extends CliCommand {

    static final Comparator<ReplicaStatus> ORDER = Comparator.comparing(ReplicaStatus::getIndex)
            .thenComparing(ReplicaStatus::getShard).thenComparing(ReplicaStatus::getNodeId);

    @Override
    int run() {
        ClusterStatusResponse status = connect().admin().clusterStatus(ClusterStatusRequest.getDefaultInstance());
        if (options.json) {
            printJson(CliJson.clusterStatus(status));
        } else {
            print(status, this);
        }
        return 0;
    }

    static void print(ClusterStatusResponse status, CliCommand command) {
        var out = command.out();
        TextTable nodes = new TextTable("NODE", "CLIENT", "RAFT", "REACHABLE", "NOTE");
        for (NodeStatus node : status.getNodesList()) {
            String note = node.getNodeId().equals(status.getMetadataLeader()) ? "metadata leader" : "";
            if (!node.getError().isEmpty()) {
                note = (note.isEmpty() ? "" : note + "; ") + node.getError();
            }
            nodes.row(node.getNodeId(), node.getClientAddress(), node.getRaftAddress(), node.getReachable() ? "yes" : "no",
                    note);
        }
        nodes.print(out);
        out.println();
        if (status.getReplicasCount() == 0) {
            out.println("no shard replicas");
            return;
        }
        printReplicas(status, null, command);
    }

    /** The replica table, of one index or (index null) of all. */
    static void printReplicas(ClusterStatusResponse status, String index, CliCommand command) {
        TextTable replicas = new TextTable("INDEX", "SHARD", "NODE", "ROLE", "TERM", "COMMITTED", "APPLIED");
        status.getReplicasList().stream().filter(r -> index == null || r.getIndex().equals(index)).sorted(ORDER)
                .forEach(r -> replicas.row(r.getIndex(), r.getShard(), r.getNodeId(), r.getRole(), r.getTerm(),
                        r.getCommittedIndex(), r.getAppliedIndex()));
        replicas.print(command.out());
    }
}

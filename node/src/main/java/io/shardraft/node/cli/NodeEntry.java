package io.shardraft.node.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.google.common.base.Preconditions;
import java.util.List;

/**
 * One node of a local cluster as {@code cluster.json} records it.
 *
 * @param id               node id ({@code node1}, ...)
 * @param host             the address it binds and advertises (127.0.0.1)
 * @param clientPort       gRPC port (client API and node-to-node replication)
 * @param raftPort         JRaft port
 * @param pid              process id of the last start, 0 if never started or stopped by the CLI
 * @param startedAtMillis  start time of that process (tells it apart from a later process with a reused pid), 0 if unknown
 * @param dataDir          the node's data directory (absolute)
 * @param logFile          where the node's stdout and stderr go (absolute)
 * @param configFile       the node's properties file (absolute)
 * @param command          the java command that (re)starts it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record NodeEntry(String id, String host, int clientPort, int raftPort, long pid, long startedAtMillis,
        String dataDir, String logFile, String configFile, List<String> command) {

    NodeEntry {
        Preconditions.checkArgument(id != null && !id.isBlank(), "node id must not be empty");
        Preconditions.checkArgument(host != null && !host.isBlank(), "node %s: host must not be empty", id);
        Preconditions.checkArgument(clientPort > 0 && clientPort < 65536, "node %s: bad client port %s", id, clientPort);
        Preconditions.checkArgument(raftPort > 0 && raftPort < 65536, "node %s: bad raft port %s", id, raftPort);
        Preconditions.checkArgument(dataDir != null && logFile != null && configFile != null,
                "node %s: data dir, log file and config file must be set", id);
        command = command == null ? List.of() : List.copyOf(command);
    }

    HostPort clientAddress() {
        return new HostPort(host, clientPort);
    }

    HostPort raftAddress() {
        return new HostPort(host, raftPort);
    }

    /** {@code id@host:raftPort:clientPort}, the form of {@code cluster.peers}. */
    String peerSpec() {
        return id + "@" + host + ":" + raftPort + ":" + clientPort;
    }

    NodeEntry withProcess(long newPid, long newStartedAtMillis) {
        return new NodeEntry(id, host, clientPort, raftPort, newPid, newStartedAtMillis, dataDir, logFile, configFile,
                command);
    }
}

package io.shardraft.cluster.data;

import java.util.Optional;
import java.util.Set;

/** Maps node ids to addresses and back (a Raft peer is known by its raft endpoint). */
public interface AddressResolver {

    Optional<NodeAddress> resolve(String nodeId);

    /** Every node id this resolver knows. */
    Set<String> nodeIds();

    /** The node whose raft endpoint is {@code host:port}, if any. */
    default Optional<String> nodeIdForRaftEndpoint(String hostPort) {
        for (String id : nodeIds()) {
            Optional<NodeAddress> a = resolve(id);
            if (a.isPresent() && a.get().raftEndpoint().equals(hostPort)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }
}

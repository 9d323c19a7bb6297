package io.shardraft.cluster.data;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An {@link AddressResolver} over a fixed membership, e.g. the peer list of a node's configuration. */
public final class StaticAddressResolver implements AddressResolver {
    private final ImmutableMap<String, NodeAddress> byId;
    private final ImmutableMap<String, String> idByRaftEndpoint;

    public StaticAddressResolver(Map<String, NodeAddress> nodes) {
        Preconditions.checkArgument(!nodes.isEmpty(), "at least one node is required");
        this.byId = ImmutableMap.copyOf(nodes);
        ImmutableMap.Builder<String, String> reverse = ImmutableMap.builder();
        byId.forEach((id, a) -> reverse.put(a.raftEndpoint(), id));
        this.idByRaftEndpoint = reverse.buildOrThrow();
    }

    @Override
    public Optional<NodeAddress> resolve(String nodeId) {
        return Optional.ofNullable(byId.get(nodeId));
    }

    @Override
    public Set<String> nodeIds() {
        return byId.keySet();
    }

    @Override
    public Optional<String> nodeIdForRaftEndpoint(String hostPort) {
        return Optional.ofNullable(idByRaftEndpoint.get(hostPort));
    }

    @Override
    public String toString() {
        return "StaticAddressResolver" + byId;
    }
}

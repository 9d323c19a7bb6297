package io.shardraft.cluster.spi;

import io.shardraft.api.v1.Command;

/** A committed command and its index in the group's Raft log. */
public record LoggedCommand(long logIndex, Command command) {
}

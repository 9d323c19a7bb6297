package io.shardraft.cluster.testing;

import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.CommandResult;
import io.shardraft.cluster.spi.HostShard;
import java.io.IOException;
import java.nio.file.Path;

/** A HostShard that delegates everything; tests override one method to inject a fault. */
public class ForwardingHostShard implements HostShard {
    private final HostShard delegate;

    public ForwardingHostShard(HostShard delegate) {
        this.delegate = delegate;
    }

    @Override
    public CommandResult apply(long logIndex, Command command) {
        return delegate.apply(logIndex, command);
    }

    @Override
    public long lastAppliedIndex() {
        return delegate.lastAppliedIndex();
    }

    @Override
    public void saveSnapshot(Path dir) throws IOException {
        delegate.saveSnapshot(dir);
    }

    @Override
    public void loadSnapshot(Path dir) throws IOException {
        delegate.loadSnapshot(dir);
    }

    @Override
    public String checksum() {
        return delegate.checksum();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package io.shardraft.cluster.log;

import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import com.alipay.sofa.jraft.storage.RaftMetaStorage;

/**
 * JRaft's default services for one group, except the log and the Raft meta: the group's views of the
 * node's {@link SharedLogStore} instead of a RocksDB of its own under the log URI and a {@code raft_meta}
 * file under the meta URI.
 */
final class SharedLogServiceFactory extends DefaultJRaftServiceFactory {
    private final SharedLogStore store;
    private final String groupId;

    SharedLogServiceFactory(SharedLogStore store, String groupId) {
        this.store = store;
        this.groupId = groupId;
    }

    @Override
    public LogStorage createLogStorage(String uri, RaftOptions raftOptions) {
        return new GroupLogStorage(store, groupId, raftOptions.isSync());
    }

    @Override
    public RaftMetaStorage createRaftMetaStorage(String uri, RaftOptions raftOptions) {
        return new GroupMetaStorage(store, groupId, raftOptions.isSyncMeta());
    }
}

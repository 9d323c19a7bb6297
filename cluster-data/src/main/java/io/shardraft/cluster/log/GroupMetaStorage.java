package io.shardraft.cluster.log;

import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.EnumOutter.ErrorType;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.option.RaftMetaStorageOptions;
import com.alipay.sofa.jraft.storage.RaftMetaStorage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One group's JRaft meta storage (term and vote) in the node's {@link SharedLogStore}, as {@link GroupMeta}
 * records with a CRC32C, instead of a {@code raft_meta} file per group. Like JRaft's
 * {@code LocalRaftMetaStorage} it keeps the values in memory, writes every change through (synced when
 * {@code syncMeta}), and reports a failed write to the node as a meta I/O error; a record that fails its
 * checksum fails {@link #init}, so the group does not start with a reset term or vote.
 */
final class GroupMetaStorage implements RaftMetaStorage {
    private static final Logger LOG = LogManager.getLogger(GroupMetaStorage.class);

    private final SharedLogStore store;
    private final String groupId;
    private final boolean sync;
    private NodeImpl node;
    private volatile boolean initialized;
    private volatile long term;
    private volatile PeerId votedFor = PeerId.emptyPeer();

    GroupMetaStorage(SharedLogStore store, String groupId, boolean sync) {
        this.store = store;
        this.groupId = groupId;
        this.sync = sync;
    }

    @Override
    public boolean init(RaftMetaStorageOptions opts) {
        if (initialized) {
            return true;
        }
        this.node = opts.getNode();
        try {
            GroupMeta meta = store.meta(groupId).orElse(null);
            if (meta != null) {
                PeerId vote = new PeerId();
                if (!vote.parse(meta.votedFor())) {
                    LOG.error("[{}] the vote '{}' in the shared store {} is not a peer", groupId, meta.votedFor(), store.dir());
                    return false;
                }
                this.term = meta.term();
                this.votedFor = vote;
            }
        } catch (RuntimeException e) {
            LOG.error("[{}] cannot load the Raft meta from the shared store {}", groupId, store.dir(), e);
            return false;
        }
        initialized = true;
        return true;
    }

    @Override
    public void shutdown() {
        // every change was written through; the store is the node's
        initialized = false;
    }

    private void checkState() {
        if (!initialized) {
            throw new IllegalStateException("Raft meta storage of " + groupId + " is not initialized");
        }
    }

    @Override
    public boolean setTerm(long term) {
        return setTermAndVotedFor(term, votedFor);
    }

    @Override
    public long getTerm() {
        checkState();
        return term;
    }

    @Override
    public boolean setVotedFor(PeerId peerId) {
        return setTermAndVotedFor(term, peerId);
    }

    @Override
    public PeerId getVotedFor() {
        checkState();
        return votedFor;
    }

    @Override
    public synchronized boolean setTermAndVotedFor(long term, PeerId peerId) {
        checkState();
        this.term = term;
        this.votedFor = peerId;
        try {
            store.writeMeta(groupId, new GroupMeta(term, peerId.toString()), sync);
            LOG.debug("[{}] saved Raft meta: term {}, voted for {}", groupId, term, peerId);
            return true;
        } catch (RuntimeException e) {
            LOG.error("[{}] cannot save the Raft meta (term {}, vote {}) in {}", groupId, term, peerId, store.dir(), e);
            if (node != null) {
                node.onError(new RaftException(ErrorType.ERROR_TYPE_META, RaftError.EIO,
                        "Fail to save raft meta of %s in %s", groupId, store.dir()));
            }
            return false;
        }
    }

    @Override
    public String toString() {
        return "GroupMetaStorage[" + groupId + " in " + store.dir() + ", term=" + term + ", votedFor=" + votedFor + "]";
    }
}

package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RaftServerService;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcRequestClosure;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteResponse;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.RequestVoteRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;
import com.google.protobuf.Message;

/**
 * JRaft's handler of RequestVote (vote and pre-vote) that never grants for a replica its {@link VoteGuard}
 * holds. The request is handled by JRaft as usual first, so the node learns a higher term and answers with
 * its own current term (never one above what it knows; a candidate seeing a higher term steps down); only
 * {@code granted} is turned off. The vote JRaft may have recorded meanwhile binds the replica to that one
 * candidate for the term, which can only withhold more.
 */
final class GuardedVoteProcessor extends RequestVoteRequestProcessor {
    private final VoteGuard guard;
    private final ElectionPacer pacer;

    private GuardedVoteProcessor(VoteGuard guard, ElectionPacer pacer) {
        super(null);
        this.guard = guard;
        this.pacer = pacer;
    }

    /**
     * Registers JRaft's request processors on {@code server}, with this one for RequestVote (SOFABolt takes one
     * processor per request type, so JRaft's own is left out), and marks {@code guard} as enforced. JRaft's
     * AppendEntries processor is handed to {@code pipelines}, which runs its contexts on the node's pool and
     * releases a stopped replica's.
     */
    static void register(RpcServer server, VoteGuard guard, AppendEntriesPipelines pipelines, ElectionPacer pacer) {
        RpcServer substituting = new RpcServer() {
            @Override
            public void registerConnectionClosedEventListener(ConnectionClosedEventListener listener) {
                server.registerConnectionClosedEventListener(listener);
            }

            @Override
            public void registerProcessor(RpcProcessor<?> processor) {
                if (processor instanceof AppendEntriesRequestProcessor appends) {
                    pipelines.attach(appends);
                }
                server.registerProcessor(processor instanceof RequestVoteRequestProcessor
                        ? new GuardedVoteProcessor(guard, pacer) : processor);
            }

            @Override
            public int boundPort() {
                return server.boundPort();
            }

            @Override
            public boolean isStarted() {
                return server.isStarted();
            }

            @Override
            public boolean init(Void opts) {
                return server.init(opts);
            }

            @Override
            public void shutdown() {
                server.shutdown();
            }
        };
        RaftRpcServerFactory.addRaftRequestProcessors(substituting);
        guard.enforce();
    }

    @Override
    public Message processRequest0(RaftServerService service, RequestVoteRequest request, RpcRequestClosure done) {
        String groupId = request.getGroupId();
        if (request.getPreVote() && service instanceof Node node) {
            pacer.preVoteFrom(groupId, node, request.getServerId());
        }
        Message answer = super.processRequest0(service, request, done);
        PeerId self = PeerId.parsePeer(request.getPeerId());
        String peer = self == null ? request.getPeerId() : self.toString();
        if (!guard.isGuarded(groupId, peer) || !(answer instanceof RequestVoteResponse response)
                || !response.getGranted()) {
            return answer;
        }
        long applied = ((Node) service).getLastAppliedLogIndex();
        if (!guard.liftIfCaughtUp(groupId, peer, applied)) {
            return answer;
        }
        guard.withheld(groupId, peer, request.getServerId(), request.getPreVote(), applied);
        return response.toBuilder().setGranted(false).build();
    }
}

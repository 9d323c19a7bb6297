package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcRequests.ErrorResponse;
import com.alipay.sofa.jraft.rpc.RpcRequests.PingRequest;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.google.common.base.Preconditions;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Which peer nodes answer, seen from this node: one JRaft {@code PingRequest} per peer every {@code interval}, sent
 * to the peer's Raft port through the same routed transport as every group's traffic ({@link RoutedRaftRpcFactory}),
 * so a proxy or partition that cuts the groups cuts the pings too. A peer that has not answered for
 * {@code suspectAfter} is suspected. The cost is one RPC client and a few threads per node, whatever the number of
 * groups: this is what lets an idle group's followers wait far longer than the election timeout
 * ({@link ElectionPacer}).
 */
public final class NodeLiveness implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(NodeLiveness.class);

    private final String selfId;
    private final Map<String, Endpoint> peers;
    private final Duration interval;
    private final long suspectAfterMs;
    private final LongSupplier clockMs;
    private final ConcurrentHashMap<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicBoolean> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Boolean> reported = new ConcurrentHashMap<>();
    /** Peers that have answered since start: a peer not up yet when this node starts is not worth a warning. */
    private final Set<String> answeredOnce = ConcurrentHashMap.newKeySet();
    private RpcClient client;
    private ScheduledExecutorService ticker;
    private ExecutorService pinger;

    /**
     * @param selfId       this node (not pinged)
     * @param resolver     every node of the cluster; each one but {@code selfId} is pinged at its Raft endpoint
     * @param interval     how often each peer is pinged
     * @param suspectAfter how long a peer may go unheard before it is suspected; also each ping's deadline
     */
    public NodeLiveness(String selfId, AddressResolver resolver, Duration interval, Duration suspectAfter) {
        this(selfId, resolver, interval, suspectAfter, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
    }

    NodeLiveness(String selfId, AddressResolver resolver, Duration interval, Duration suspectAfter, LongSupplier clockMs) {
        this.selfId = Preconditions.checkNotNull(selfId, "selfId");
        Preconditions.checkArgument(!interval.isNegative() && !interval.isZero(), "interval must be positive, got %s",
                interval);
        Preconditions.checkArgument(suspectAfter.compareTo(interval) > 0,
                "suspectAfter (%s) must be longer than the ping interval (%s)", suspectAfter, interval);
        this.interval = interval;
        this.suspectAfterMs = suspectAfter.toMillis();
        this.clockMs = clockMs;
        Map<String, Endpoint> all = new ConcurrentHashMap<>();
        for (String id : resolver.nodeIds()) {
            if (!id.equals(selfId)) {
                resolver.resolve(id).ifPresent(a -> all.put(id, new Endpoint(a.host(), a.raftPort())));
            }
        }
        this.peers = Map.copyOf(all);
    }

    /** Starts pinging; until a peer has been unheard for {@code suspectAfter} from now, it is not suspected. */
    public synchronized void start() {
        if (client != null) {
            return;
        }
        long now = clockMs.getAsLong();
        peers.keySet().forEach(id -> {
            lastHeard.put(id, now);
            inFlight.put(id, new AtomicBoolean());
        });
        RpcOptions opts = new RpcOptions();
        opts.setRpcConnectTimeoutMs((int) Math.min(Integer.MAX_VALUE, suspectAfterMs));
        RpcClient c = RpcFactoryHelper.rpcFactory().createRpcClient();
        c.init(opts);
        this.client = c;
        this.pinger = Executors.newCachedThreadPool(new ThreadFactoryBuilder()
                .setNameFormat("shardraft-liveness-" + selfId + "-%d").setDaemon(true).build());
        this.ticker = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat("shardraft-liveness-tick-" + selfId).setDaemon(true).build());
        ticker.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("node {} pings {} every {} ms; a peer unheard for {} ms is suspected", selfId, peers.keySet(),
                interval.toMillis(), suspectAfterMs);
    }

    /** Whether {@code nodeId} is a peer that has not answered a ping for {@code suspectAfter}. */
    public boolean suspected(String nodeId) {
        Long heard = lastHeard.get(nodeId);
        return heard != null && clockMs.getAsLong() - heard > suspectAfterMs;
    }

    /** The peers suspected now, sorted. */
    public Set<String> suspected() {
        Set<String> out = new TreeSet<>();
        peers.keySet().stream().filter(this::suspected).forEach(out::add);
        return out;
    }

    private void tick() {
        try {
            for (Map.Entry<String, Endpoint> peer : peers.entrySet()) {
                AtomicBoolean busy = inFlight.get(peer.getKey());
                if (busy.compareAndSet(false, true)) {
                    // a connect to an address that does not answer blocks its caller: never the ticker
                    pinger.execute(() -> ping(peer.getKey(), peer.getValue(), busy));
                }
            }
            report();
        } catch (RuntimeException e) {
            LOG.warn("liveness tick of node {} failed", selfId, e);
        }
    }

    private void ping(String id, Endpoint to, AtomicBoolean busy) {
        RpcClient c = client;
        if (c == null) {
            busy.set(false);
            return;
        }
        if (suspected(id)) {
            // the check repairs a connection pool Bolt would otherwise keep dead (RoutedRpcClient)
            c.checkConnection(to, true);
        }
        PingRequest ping = PingRequest.newBuilder().setSendTimestamp(System.currentTimeMillis()).build();
        // the answer only records a time: Bolt's own thread runs it (InvokeCallback's default executor)
        InvokeCallback answered = (result, err) -> {
            if (err == null && result instanceof ErrorResponse r && r.getErrorCode() == 0) {
                lastHeard.put(id, clockMs.getAsLong());
                answeredOnce.add(id);
            }
            busy.set(false);
        };
        try {
            c.invokeAsync(to, ping, null, answered, suspectAfterMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            busy.set(false);
        } catch (Exception e) {
            LOG.debug("node {} could not ping {}: {}", selfId, id, e.toString());
            busy.set(false);
        }
    }

    private void report() {
        for (String id : peers.keySet()) {
            boolean now = suspected(id);
            Boolean before = reported.put(id, now);
            if (before != null && before != now) {
                if (now && !answeredOnce.contains(id)) {
                    LOG.info("node {} has had no answer from peer {} since it started", selfId, id);
                } else if (now) {
                    LOG.warn("node {} suspects peer {}: no answer to its pings for over {} ms", selfId, id,
                            suspectAfterMs);
                } else {
                    LOG.info("node {} hears peer {} again", selfId, id);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (client == null) {
            return;
        }
        ticker.shutdownNow();
        pinger.shutdownNow();
        client.shutdown();
        client = null;
    }
}

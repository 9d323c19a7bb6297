package io.shardraft.chaos.run;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The scenarios of issue 5, in the order the runner runs them. */
public final class Scenarios {
    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(leaderIsolation(), killLeader(), minorityPartition(), latency(), flipFlop(), bandwidth(),
                timeoutLink(), resetPeer(), slowClose(), killFollower(), rollingRestart(), indexLifecycleUnderPartition());
    }

    public static Scenario byName(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + name));
    }

    /** Every link of the node that leads most shards is cut for the window, then healed. */
    public static Scenario leaderIsolation() {
        return new Scenario("leader-isolation", "cut every link of the node leading most shards", (ctx, window) -> {
            String node = ctx.cluster().mostLeadingNode(ctx.index());
            ctx.log().info("isolating " + node + " (leaders: " + ctx.cluster().leaderCounts(ctx.index()) + ")");
            ctx.cluster().isolate(node);
            Sleep.of(window);
        });
    }

    /** SIGKILL of the node leading most shards; restarted at the end of the window. */
    public static Scenario killLeader() {
        return new Scenario("kill-leader", "SIGKILL the node leading most shards, then restart it", (ctx, window) -> {
            String node = ctx.cluster().mostLeadingNode(ctx.index());
            ctx.log().info("SIGKILL " + node + " (leaders: " + ctx.cluster().leaderCounts(ctx.index()) + ")");
            ctx.cluster().kill(node);
            Sleep.of(window);
            ctx.cluster().start(node);
        });
    }

    /** One node (not the busiest leader) cut off from the two others. */
    public static Scenario minorityPartition() {
        return new Scenario("minority-partition", "partition one node away from the majority", (ctx, window) -> {
            String busiest = ctx.cluster().mostLeadingNode(ctx.index());
            String node = ctx.cluster().nodeIds().stream().filter(n -> !n.equals(busiest)).findFirst().orElseThrow();
            ctx.log().info("partition {" + node + "} | rest");
            ctx.cluster().partition(Set.of(node));
            Sleep.of(window);
        });
    }

    /** Latency with jitter on every link, both directions. */
    public static Scenario latency() {
        return new Scenario("latency-jitter", "150 ms ± 100 ms latency on every link", (ctx, window) -> {
            ctx.cluster().latency(150, 100);
            Sleep.of(window);
        });
    }

    /** The minority changes every ~1.5 s: each node in turn is partitioned away. */
    public static Scenario flipFlop() {
        return new Scenario("flip-flop", "partition each node in turn, switching every 1.5 s", (ctx, window) -> {
            long end = System.nanoTime() + window.toNanos();
            List<String> nodes = ctx.cluster().nodeIds();
            for (int step = 0; step < 100 && System.nanoTime() < end; step++) {
                String node = nodes.get(step % nodes.size());
                ctx.cluster().heal();
                ctx.cluster().partition(Set.of(node));
                ctx.log().info("flip-flop: partition {" + node + "}");
                Sleep.millis(Math.min(1_500, Math.max(0, (end - System.nanoTime()) / 1_000_000)));
            }
        });
    }

    /** A low bandwidth limit on every link. */
    public static Scenario bandwidth() {
        return new Scenario("bandwidth", "16 KB/s on every link", (ctx, window) -> {
            ctx.cluster().bandwidth(16);
            Sleep.of(window);
        });
    }

    /** A black hole on one link: the busiest leader's connections to one follower hang. */
    public static Scenario timeoutLink() {
        return new Scenario("timeout-link", "black hole (timeout 0) on the link leader -> one follower",
                (ctx, window) -> {
                    String leader = ctx.cluster().mostLeadingNode(ctx.index());
                    String other = ctx.cluster().nodeIds().stream().filter(n -> !n.equals(leader)).findFirst()
                            .orElseThrow();
                    ctx.log().info("black hole " + leader + " -> " + other);
                    ctx.cluster().timeout(leader, other);
                    Sleep.of(window);
                });
    }

    /** Connections into and out of the busiest leader are reset shortly after they open. */
    public static Scenario resetPeer() {
        return new Scenario("reset-peer", "reset_peer after 500 ms on every link of the node leading most shards",
                (ctx, window) -> {
                    String node = ctx.cluster().mostLeadingNode(ctx.index());
                    ctx.log().info("reset_peer on " + node);
                    ctx.cluster().resetPeer(node, 500);
                    Sleep.of(window);
                });
    }

    /** Every connection close is delayed. */
    public static Scenario slowClose() {
        return new Scenario("slow-close", "slow_close 2 s on every link", (ctx, window) -> {
            ctx.cluster().slowClose(2_000);
            Sleep.of(window);
        });
    }

    /** SIGKILL of a node that leads no (or the fewest) shards; restarted at the end of the window. */
    public static Scenario killFollower() {
        return new Scenario("kill-follower", "SIGKILL a follower, then restart it", (ctx, window) -> {
            String node = ctx.cluster().leastLeadingNode(ctx.index());
            ctx.log().info("SIGKILL " + node + " (leaders: " + ctx.cluster().leaderCounts(ctx.index()) + ")");
            ctx.cluster().kill(node);
            Sleep.of(window);
            ctx.cluster().start(node);
        });
    }

    /** Each node in turn is stopped (SIGTERM) and started again. */
    public static Scenario rollingRestart() {
        return new Scenario("rolling-restart", "SIGTERM and restart each node in turn", (ctx, window) -> {
            for (String node : ctx.cluster().nodeIds()) {
                ctx.log().info("rolling restart: " + node);
                ctx.cluster().stop(node);
                ctx.cluster().start(node);
                Sleep.millis(Math.min(1_000, window.toMillis() / 6));
            }
        });
    }

    /** Index create, write and drop through the majority while one node is partitioned away. */
    public static Scenario indexLifecycleUnderPartition() {
        return new Scenario("index-create-drop-partitioned",
                "create, write and drop indexes while one node is partitioned; one index kept",
                new IndexLifecycleFault());
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}

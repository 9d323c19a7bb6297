package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.util.NamedThreadFactory;
import com.alipay.sofa.jraft.util.SPI;
import com.alipay.sofa.jraft.util.timer.DefaultRaftTimerFactory;
import com.alipay.sofa.jraft.util.timer.HashedWheelTimer;
import com.alipay.sofa.jraft.util.timer.Timer;
import java.util.concurrent.TimeUnit;

/**
 * JRaft's timer factory (registered through JRaft's SPI with a higher priority than its default), with wheel
 * timers that tick every {@link #TICK_MS} ms instead of every millisecond.
 *
 * <p>Each of JRaft's own wheel timers (the process-wide ReadIndex timeout scanner, and a node's timers when they are
 * not shared) wakes its thread at every tick whether or not anything is due: at 1 ms that thread alone took 2–3 % of
 * a core on an idle node. What these timers time (read deadlines, election and vote timeouts of hundreds of
 * milliseconds and more) does not need millisecond precision.
 */
@SPI(priority = 100)
public class CoarseRaftTimerFactory extends DefaultRaftTimerFactory {
    static final int TICK_MS = 10;
    private static final int WHEEL_SLOTS = 512;

    @Override
    public Timer createTimer(String name) {
        return new HashedWheelTimer(new NamedThreadFactory(name, true), TICK_MS, TimeUnit.MILLISECONDS, WHEEL_SLOTS);
    }
}

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
 * milliseconds and more) does not need millisecond precision. With every group on JRaft's shared timers (which
 * are not wheel timers) the one wheel timer left is the process-wide ReadIndex timeout scanner
 * ({@value #READ_INDEX_SCANNER}); it ticks every {@link #READ_INDEX_TICK_MS} ms: a STRONG read's deadline (seconds)
 * is reported at most that much late, and an idle node's scanner wakes 10 times a second instead of 100.
 */
@SPI(priority = 100)
public class CoarseRaftTimerFactory extends DefaultRaftTimerFactory {
    static final int TICK_MS = 10;
    static final String READ_INDEX_SCANNER = "read-index.timeout.scanner";
    static final int READ_INDEX_TICK_MS = 100;
    private static final int WHEEL_SLOTS = 512;

    @Override
    public Timer createTimer(String name) {
        int tick = READ_INDEX_SCANNER.equals(name) ? READ_INDEX_TICK_MS : TICK_MS;
        return new HashedWheelTimer(new NamedThreadFactory(name, true), tick, TimeUnit.MILLISECONDS, WHEEL_SLOTS);
    }
}

package io.shardraft.cluster.data;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The size of this process's futex hash on Linux, where every parked Java thread waits.
 *
 * <p>Since Linux 6.16 a multi-threaded process gets its own futex hash, sized from the number of CPUs, not of
 * threads: 16 buckets on a 2-core machine. JRaft keeps four parked threads per group (its disruptors), so a node with
 * 2,000 group replicas has about 10,000 threads in 16 buckets, and every wake-up (a heartbeat, a lock handed over)
 * walks a chain of hundreds of waiters under the bucket's spin lock: profiled at 2,150 groups per node, 67 % of an
 * idle node's CPU was {@code futex_wake}. {@link #ensure} asks the kernel for a larger private hash
 * ({@code prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_SET_SLOTS, n)}), once per process. On other systems, older kernels or
 * without JNA's native library it does nothing and says why in the log.
 *
 * <p>The system property {@value #SLOTS_PROPERTY} overrides the slots: a power of two, 0 for the kernel's global hash,
 * or -1 to leave the process as it is.
 */
public final class FutexHash {
    private static final Logger LOG = LogManager.getLogger(FutexHash.class);
    public static final String SLOTS_PROPERTY = "shardraft.futex-hash-slots";
    /** 16,384 buckets (about 1 MiB of kernel memory): fewer than one parked thread per bucket up to 3,000 groups. */
    public static final int DEFAULT_SLOTS = 1 << 14;
    private static final int PR_FUTEX_HASH = 78;
    private static final int PR_FUTEX_HASH_SET_SLOTS = 1;
    private static final int PR_FUTEX_HASH_GET_SLOTS = 2;
    private static boolean done;

    private FutexHash() {
    }

    /** The C library's prctl, through JNA. */
    interface CLibrary extends Library {
        int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    }

    /** Sizes this process's futex hash, once; returns the slots it has afterwards, or -1 if unknown or untouched. */
    public static synchronized int ensure() {
        int wanted = Integer.getInteger(SLOTS_PROPERTY, DEFAULT_SLOTS);
        if (done) {
            return slots();
        }
        done = true;
        if (wanted < 0 || !Platform.isLinux()) {
            return -1;
        }
        if (wanted != 0 && Integer.bitCount(wanted) != 1) {
            LOG.warn("{}={} is not a power of two (or 0, or -1): futex hash left as it is", SLOTS_PROPERTY, wanted);
            return -1;
        }
        try {
            CLibrary libc = Native.load("c", CLibrary.class);
            int before = libc.prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_GET_SLOTS, 0, 0, 0);
            if (before < 0) {
                LOG.debug("this kernel has no private futex hash (prctl errno {}): nothing to size", Native.getLastError());
                return -1;
            }
            if (libc.prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_SET_SLOTS, wanted, 0, 0) != 0) {
                LOG.warn("could not set this process's futex hash to {} slots (errno {}); it keeps {}", wanted,
                        Native.getLastError(), before);
                return before;
            }
            int after = libc.prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_GET_SLOTS, 0, 0, 0);
            LOG.info("futex hash of this process: {} slots (was {}){}", after, before, after == 0 ? ", the kernel's global hash" : "");
            return after;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | RuntimeException e) {
            LOG.warn("cannot size this process's futex hash: {}", e.toString());
            return -1;
        }
    }

    /** The slots of this process's private futex hash (0: the global one), or -1 if unknown. */
    public static int slots() {
        if (!Platform.isLinux()) {
            return -1;
        }
        try {
            return Native.load("c", CLibrary.class).prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_GET_SLOTS, 0, 0, 0);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | RuntimeException e) {
            return -1;
        }
    }
}

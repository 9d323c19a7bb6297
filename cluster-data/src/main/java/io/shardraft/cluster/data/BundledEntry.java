package io.shardraft.cluster.data;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JRaft closure of one log entry that {@link ProposalBundler} proposed: the single-object writes it holds (one:
 * the entry is that plain command; more: a {@code CommandBundle}). The state machine completes each member with its
 * own result when the entry is applied on this (leader) replica and then {@link #finish()}es it; JRaft runs it with
 * an error status when the proposal fails, which fails every member. Either way the bundler learns once that the
 * entry left its window.
 */
final class BundledEntry implements Closure {
    private final List<ApplyClosure> members;
    private final ProposalBundler bundler;
    private final AtomicBoolean finished = new AtomicBoolean();

    BundledEntry(List<ApplyClosure> members, ProposalBundler bundler) {
        this.members = List.copyOf(members);
        this.bundler = bundler;
    }

    List<ApplyClosure> members() {
        return members;
    }

    /** The entry is no longer in flight (applied on this replica, or failed): lets the bundler propose the next. */
    void finish() {
        if (finished.compareAndSet(false, true)) {
            bundler.entryDone();
        }
    }

    @Override
    public void run(Status status) {
        if (!status.isOk()) {
            // a member already completed by the state machine stays completed
            members.forEach(m -> m.run(status));
        }
        finish();
    }
}

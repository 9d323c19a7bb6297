package io.shardraft.bench;

import java.util.concurrent.atomic.AtomicLong;

/** Sees a measured phase as it runs: the finished request count, for a progress bar. */
interface Progress {

    void phase(String label, int clients, BenchConfig config, AtomicLong done);

    void end();

    Progress NONE = new Progress() {
        @Override
        public void phase(String label, int clients, BenchConfig config, AtomicLong done) {
        }

        @Override
        public void end() {
        }
    };
}

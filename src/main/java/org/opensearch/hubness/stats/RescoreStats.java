package org.opensearch.hubness.stats;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Per-node counters of the hubness rescorer: shard rescores, documents rescored, failures and time spent. */
public final class RescoreStats {

    private final LongAdder rescores = new LongAdder();
    private final LongAdder documents = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();

    public void recordRescore(int docs, long tookNanos) {
        rescores.increment();
        documents.add(docs);
        nanos.add(tookNanos);
        maxNanos.accumulateAndGet(tookNanos, Math::max);
    }

    public void recordFailure() {
        failures.increment();
    }

    public Snapshot snapshot() {
        long n = rescores.sum();
        long total = nanos.sum();
        return new Snapshot(
                n,
                documents.sum(),
                failures.sum(),
                total / 1_000_000.0,
                n == 0 ? 0 : total / 1_000_000.0 / n,
                maxNanos.get() / 1_000_000.0);
    }

    public record Snapshot(
            long shardRescores,
            long documentsRescored,
            long failures,
            double totalMillis,
            double meanMillis,
            double maxMillis) {}
}

package org.opensearch.hubness.stats;

import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's rebuild-policy counters (GET /_plugins/_hubness/stats, {@code policy}). Only the elected cluster manager
 * checks policies, so the counters grow on it; a node keeps what it counted while it was the cluster manager.
 */
public final class PolicyStats {

    private final AtomicLong checks = new AtomicLong();
    private final AtomicLong rebuildsStarted = new AtomicLong();
    private final AtomicLong rebuildsNotStarted = new AtomicLong();
    private final AtomicLong checkFailures = new AtomicLong();

    /** A bank's policy was checked (its numbers compared with the thresholds). */
    public void checked() {
        checks.incrementAndGet();
    }

    /** A check's rebuild was recorded as started. */
    public void rebuildStarted() {
        rebuildsStarted.incrementAndGet();
    }

    /** A check called for a rebuild that was refused (a build ran, the sources were unreadable). */
    public void rebuildNotStarted() {
        rebuildsNotStarted.incrementAndGet();
    }

    /** A check could not count or record (logged); the bank is checked again after its interval. */
    public void checkFailed() {
        checkFailures.incrementAndGet();
    }

    public Snapshot snapshot() {
        return new Snapshot(checks.get(), rebuildsStarted.get(), rebuildsNotStarted.get(), checkFailures.get());
    }

    public record Snapshot(long checks, long rebuildsStarted, long rebuildsNotStarted, long checkFailures) {}
}

package org.opensearch.hubness.policy;

import org.opensearch.core.action.ActionListener;

/**
 * How many query vectors were captured for a bank since a time: what a rebuild policy's {@code min_new_queries}
 * compares. Capture answers it from the {@code capture_batch} documents it writes to {@code .hubness-banks}
 * ({@code CaptureCounts.countSince}), wired in by the plugin.
 */
@FunctionalInterface
public interface NewQueryCount {

    /** Answers the vectors captured for {@code bank} after {@code sinceMillis} (epoch millis). */
    void countSince(String bank, long sinceMillis, ActionListener<Long> listener);
}

package org.opensearch.hubness.policy;

import org.opensearch.core.action.ActionListener;

/**
 * How many query vectors were captured for a bank since a time: what a rebuild policy's {@code min_new_queries}
 * compares. The capture half of issue #22 answers it from the {@code capture_batch} documents it writes to
 * {@code .hubness-banks} ({@code CaptureCounts.countSince}); the plugin wires that implementation in.
 */
@FunctionalInterface
public interface NewQueryCount {

    /** Answers the vectors captured for {@code bank} at or after {@code sinceMillis} (epoch millis). */
    void countSince(String bank, long sinceMillis, ActionListener<Long> listener);

    /**
     * No capture in this build of the plugin: nothing counted (null). A definition cannot name {@code min_new_queries}
     * without a captured query bank, so a policy never waits on this.
     */
    NewQueryCount NONE = (bank, since, listener) -> listener.onResponse(null);
}

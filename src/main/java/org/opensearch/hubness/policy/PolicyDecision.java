package org.opensearch.hubness.policy;

import org.opensearch.hubness.bank.RebuildPolicy;
import org.opensearch.hubness.bank.state.BuildReport;
import org.opensearch.hubness.bank.state.PolicyCheck;

/**
 * Whether a bank's rebuild policy calls for a rebuild, from what its serving version's build recorded and what was
 * counted now. Pure, so every threshold and edge is unit-tested; the checker only counts and acts.
 */
public final class PolicyDecision {

    private PolicyDecision() {}

    /**
     * The check, with outcome {@link PolicyCheck.Outcome#UNCHANGED} when no threshold is reached, else
     * {@link PolicyCheck.Outcome#REBUILD_STARTED} for the caller to start (and correct if the start fails).
     *
     * @param operationsNow the gallery's operations now ({@link org.opensearch.hubness.build.GalleryOperations}), null if not counted
     * @param newQueries query vectors captured since the build, null if not counted
     */
    public static PolicyCheck decide(
            RebuildPolicy policy,
            long servingVersion,
            BuildReport built,
            Long operationsNow,
            Long newQueries,
            long now) {
        Long since = operationsSince(built.galleryOperations(), operationsNow);
        long documents = built.galleryDocuments();
        // an empty gallery at build cannot be (it fails the build), but a fraction of nothing must not divide by zero
        Double change = since == null ? null : round4((double) since / Math.max(1, documents));
        boolean galleryDue =
                policy.minGalleryChange() != null && since != null && since > 0 && change >= policy.minGalleryChange();
        boolean queriesDue =
                policy.minNewQueries() != null && newQueries != null && newQueries >= policy.minNewQueries();
        PolicyCheck.Outcome outcome =
                galleryDue || queriesDue ? PolicyCheck.Outcome.REBUILD_STARTED : PolicyCheck.Outcome.UNCHANGED;
        return new PolicyCheck(now, servingVersion, since, documents, change, newQueries, outcome, null, null);
    }

    /**
     * Operations since the build; null when either count is missing. Fewer now than at the build means the gallery
     * index was deleted and created again under its name: every operation of the new index is a change.
     */
    static Long operationsSince(Long atBuild, Long now) {
        if (atBuild == null || now == null) return null;
        return now >= atBuild ? now - atBuild : now;
    }

    private static double round4(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}

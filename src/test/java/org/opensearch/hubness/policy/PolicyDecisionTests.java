package org.opensearch.hubness.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.hubness.bank.RebuildPolicy;
import org.opensearch.hubness.bank.state.BuildReport;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.bank.state.PolicyCheck;
import org.opensearch.hubness.norm.Similarity;

/** When a rebuild policy calls for a rebuild, from the build's recorded baseline and the counts of now. */
class PolicyDecisionTests {

    /** A build that saw 1000 gallery documents after 1200 operations (200 of them updates or deletes). */
    private static BuildReport builtWith(Long operations) {
        return new BuildReport(
                3,
                4,
                Similarity.COSINE,
                "faiss",
                1000,
                3,
                0,
                3,
                0,
                1,
                5,
                0.25,
                1_000,
                null,
                null,
                null,
                BuildTrigger.PUT,
                operations,
                null);
    }

    private static final RebuildPolicy FIVE_PERCENT = new RebuildPolicy(TimeValue.timeValueSeconds(1), null, 0.05);

    @Test
    void theGalleryTriggersAtItsFractionOfTheDocumentsAtBuildAndNotBelow() {
        PolicyCheck below = PolicyDecision.decide(FIVE_PERCENT, 3, builtWith(1200L), 1249L, null, 77);
        assertEquals(PolicyCheck.Outcome.UNCHANGED, below.outcome());
        assertEquals(49L, below.galleryOperations());
        assertEquals(0.049, below.galleryChange());
        assertEquals(1000, below.galleryDocuments());
        assertEquals(77, below.checkedAt());
        assertEquals(3, below.servingVersion());
        PolicyCheck at = PolicyDecision.decide(FIVE_PERCENT, 3, builtWith(1200L), 1250L, null, 78);
        assertEquals(PolicyCheck.Outcome.REBUILD_STARTED, at.outcome());
        assertEquals(0.05, at.galleryChange());
        assertNull(at.startedVersion(), "the checker fills in the version it started");
        PolicyCheck nothing = PolicyDecision.decide(FIVE_PERCENT, 3, builtWith(1200L), 1200L, null, 79);
        assertEquals(PolicyCheck.Outcome.UNCHANGED, nothing.outcome());
        assertEquals(0.0, nothing.galleryChange());
    }

    @Test
    void aGalleryThatCouldNotBeCountedIsNoChangeAndARecreatedIndexIsAllChange() {
        PolicyCheck notNow = PolicyDecision.decide(FIVE_PERCENT, 3, builtWith(1200L), null, null, 1);
        assertEquals(PolicyCheck.Outcome.UNCHANGED, notNow.outcome());
        assertNull(notNow.galleryOperations());
        assertNull(notNow.galleryChange());
        PolicyCheck noBaseline = PolicyDecision.decide(FIVE_PERCENT, 3, builtWith(null), 5000L, null, 1);
        assertEquals(PolicyCheck.Outcome.UNCHANGED, noBaseline.outcome());
        // fewer operations than at the build: the index was deleted and created again, so all of it is new
        PolicyCheck recreated = PolicyDecision.decide(FIVE_PERCENT, 3, builtWith(1200L), 300L, null, 1);
        assertEquals(300L, recreated.galleryOperations());
        assertEquals(PolicyCheck.Outcome.REBUILD_STARTED, recreated.outcome());
    }

    @Test
    void capturedQueriesTriggerAtTheirCountWhicheverThresholdIsReachedFirst() {
        RebuildPolicy both = new RebuildPolicy(TimeValue.timeValueHours(1), 1000L, 0.5);
        PolicyCheck fewQueries = PolicyDecision.decide(both, 3, builtWith(1200L), 1201L, 999L, 1);
        assertEquals(PolicyCheck.Outcome.UNCHANGED, fewQueries.outcome());
        assertEquals(999L, fewQueries.newQueries());
        assertEquals(
                PolicyCheck.Outcome.REBUILD_STARTED,
                PolicyDecision.decide(both, 3, builtWith(1200L), 1201L, 1000L, 1)
                        .outcome());
        assertEquals(
                PolicyCheck.Outcome.REBUILD_STARTED,
                PolicyDecision.decide(both, 3, builtWith(1200L), 1700L, 0L, 1).outcome());
        RebuildPolicy queriesOnly = new RebuildPolicy(TimeValue.timeValueHours(1), 10L, null);
        assertEquals(
                PolicyCheck.Outcome.UNCHANGED,
                PolicyDecision.decide(queriesOnly, 3, builtWith(1200L), null, null, 1)
                        .outcome(),
                "uncounted queries are no reason to rebuild");
    }
}

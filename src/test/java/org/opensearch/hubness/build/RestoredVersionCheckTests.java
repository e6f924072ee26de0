package org.opensearch.hubness.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.state.StateFixtures;

/** Which serving versions the cluster manager looks up: those no build of this cluster state produced. */
class RestoredVersionCheckTests {

    private static final BankDefinition DEF = StateFixtures.stored("b", StateFixtures.INDEX_BANK);

    private static BankVersion version(long n, String buildId) {
        return new BankVersion(n, buildId, "sha", 4, 3, 0, StateFixtures.report(n, 3));
    }

    @Test
    void aVersionItsOwnBuildPublishedIsNotLookedUp() {
        HubnessMetadata building = BankTransitions.create(HubnessMetadata.EMPTY, "b", DEF, "build-1", "n", "e", 0);
        HubnessMetadata published = BankTransitions.publish(building, "b", "build-1", version(1, "build-1"));
        assertFalse(RestoredVersionCheck.arrivedWithoutBuild(
                building.bank("b"), published.bank("b").serving()));
        assertFalse(
                RestoredVersionCheck.arrivedWithoutBuild(
                        published.bank("b"), published.bank("b").serving()),
                "a version that served before");
        HubnessMetadata rebuilding =
                BankTransitions.rebuild(published, "b", "build-2", "n", "e", 0, Set.of("e"), BuildTrigger.REBUILD);
        HubnessMetadata second = BankTransitions.publish(rebuilding, "b", "build-2", version(2, "build-2"));
        assertFalse(RestoredVersionCheck.arrivedWithoutBuild(
                rebuilding.bank("b"), second.bank("b").serving()));
    }

    @Test
    void aVersionThatAppearedWithoutABuildIsLookedUp() {
        HubnessMetadata building = BankTransitions.create(HubnessMetadata.EMPTY, "b", DEF, "build-1", "n", "e", 0);
        BankRecord restored = BankTransitions.publish(building, "b", "build-1", version(1, "build-1"))
                .bank("b");
        assertTrue(
                RestoredVersionCheck.arrivedWithoutBuild(null, restored.serving()),
                "a deleted bank restored from a snapshot");
        HubnessMetadata other = BankTransitions.create(HubnessMetadata.EMPTY, "b", DEF, "build-9", "n", "e", 0);
        HubnessMetadata otherServing = BankTransitions.publish(other, "b", "build-9", version(1, "build-9"));
        assertTrue(
                RestoredVersionCheck.arrivedWithoutBuild(otherServing.bank("b"), restored.serving()),
                "a snapshot's record replaced another lineage of the bank");
        assertTrue(
                RestoredVersionCheck.arrivedWithoutBuild(other.bank("b"), restored.serving()),
                "a record replaced while another build ran");
    }
}

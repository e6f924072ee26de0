package org.opensearch.hubness.bank.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

/** The banks' cluster metadata: its state machine, and that it survives the wire and the on-disk (XContent) form. */
class HubnessMetadataTests {

    private static final String DEF =
            "{\"gallery\":{\"index\":\"g\",\"field\":\"v\"},\"query_bank\":{\"index\":\"q\",\"field\":\"v\",\"max_size\":10}}";

    private static BankVersion version(long v, String buildId) {
        return new BankVersion(v, buildId, "sha-" + buildId, 4, 10, 0, "{\"version\":" + v + "}");
    }

    private static HubnessMetadata readyAt(long v) {
        HubnessMetadata m = BankTransitions.create(HubnessMetadata.EMPTY, "b", DEF, "build-1", "node-a", "eph-a", 1);
        m = BankTransitions.publish(m, "b", "build-1", version(1, "build-1"));
        for (long i = 2; i <= v; i++) {
            m = BankTransitions.rebuild(m, "b", "build-" + i, "node-a", "eph-a", i, Set.of("eph-a"));
            m = BankTransitions.publish(m, "b", "build-" + i, version(i, "build-" + i));
        }
        return m;
    }

    @Test
    void aPublishedVersionServesAndTheOneBeforeItIsKeptNotOlderOnes() {
        HubnessMetadata m = readyAt(3);
        BankRecord b = m.bank("b");
        assertEquals(BankState.READY, b.state());
        assertEquals(3, b.serving().version());
        assertEquals(2, b.previous().version());
        assertNull(b.version(1), "version 1 is no longer named, so its blobs are cleaned up");
        assertEquals(Set.of("build-3", "build-2"), b.liveBuildIds());
        assertNull(b.build());
    }

    @Test
    void aSecondBuildOfOneBankIsAConflictUnlessTheFirstBuildsNodeIsGone() {
        HubnessMetadata m = BankTransitions.rebuild(readyAt(1), "b", "build-2", "node-a", "eph-a", 5, Set.of("eph-a"));
        HubnessMetadata building = m;
        OpenSearchStatusException e = assertThrows(
                OpenSearchStatusException.class,
                () -> BankTransitions.rebuild(
                        building, "b", "build-3", "node-b", "eph-b", 6, Set.of("eph-a", "eph-b")));
        assertEquals(RestStatus.CONFLICT, e.status());
        assertTrue(e.getMessage().contains("already building version 2"), e.getMessage());
        HubnessMetadata takenOver =
                BankTransitions.rebuild(building, "b", "build-3", "node-b", "eph-b", 6, Set.of("eph-b"));
        assertEquals("build-3", takenOver.bank("b").build().buildId());
        assertEquals(3, takenOver.bank("b").build().version(), "version numbers never repeat");
    }

    @Test
    void aBuildOvertakenByADeleteNeverPublishesAndNeverResurrectsTheBank() {
        HubnessMetadata m = BankTransitions.create(HubnessMetadata.EMPTY, "b", DEF, "old", "node-a", "eph-a", 1);
        m = BankTransitions.delete(m, "b");
        m = BankTransitions.create(m, "b", DEF.replace("10", "20"), "new", "node-a", "eph-a", 2);
        HubnessMetadata late = BankTransitions.publish(m, "b", "old", version(1, "old"));
        assertSame(m, late, "the old build publishes nothing");
        assertEquals(BankState.BUILDING, late.bank("b").state());
        HubnessMetadata deleted = BankTransitions.delete(m, "b");
        assertSame(
                deleted,
                BankTransitions.publish(deleted, "b", "new", version(1, "new")),
                "a deleted bank stays deleted");
        assertNull(deleted.bank("b"));
        assertThrows(ResourceNotFoundException.class, () -> BankTransitions.delete(deleted, "b"));
        assertThrows(
                IllegalArgumentException.class, () -> BankTransitions.create(readyAt(1), "b", DEF, "x", "n", "e", 1));
    }

    @Test
    void aFailedBuildKeepsTheServingVersionAndAnInvalidFirstBuildLeavesNoBank() {
        HubnessMetadata m = BankTransitions.rebuild(readyAt(2), "b", "build-3", "node-a", "eph-a", 5, Set.of("eph-a"));
        HubnessMetadata failed = BankTransitions.fail(m, "b", "build-3", new BankFailure(3, "X", "boom", 7));
        assertEquals(BankState.FAILED, failed.bank("b").state());
        assertEquals(2, failed.bank("b").serving().version());
        assertEquals("boom", failed.bank("b").failure().reason());
        assertFalse(failed.bank("b").liveBuildIds().contains("build-3"), "the failed build's blobs are cleaned up");
        HubnessMetadata fresh = BankTransitions.create(HubnessMetadata.EMPTY, "c", DEF, "c1", "node-a", "eph-a", 1);
        assertNull(BankTransitions.abandon(fresh, "c", "c1", new BankFailure(1, "X", "bad", 1))
                .bank("c"));
    }

    @Test
    void buildsOfNodesThatLeftOrRestartedAreFailed() {
        HubnessMetadata m = BankTransitions.rebuild(readyAt(1), "b", "build-2", "node-a", "eph-a", 5, Set.of("eph-a"));
        assertEquals(m, BankTransitions.failBuildsOfDepartedNodes(m, Set.of("eph-a"), 9));
        HubnessMetadata failed = BankTransitions.failBuildsOfDepartedNodes(m, Set.of("eph-a-restarted"), 9);
        assertEquals(BankState.FAILED, failed.bank("b").state());
        assertTrue(
                failed.bank("b").failure().reason().contains("node-a"),
                failed.bank("b").failure().reason());
        assertEquals(1, failed.bank("b").serving().version());
    }

    @Test
    void theMetadataSurvivesTheWireAndItsOnDiskForm() throws Exception {
        HubnessMetadata m = BankTransitions.rebuild(readyAt(2), "b", "build-3", "node-a", "eph-a", 5, Set.of("eph-a"));
        m = m.with(BankTransitions.fail(m, "b", "build-3", new BankFailure(3, "X", "boom", 7))
                .bank("b")
                .withBuild(new BuildTicket(4, "build-4", "node-b", "eph-b", 11)));
        m = BankTransitions.create(m, "other", DEF, "o1", "node-c", "eph-c", 3);

        BytesStreamOutput out = new BytesStreamOutput();
        m.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            assertEquals(m, new HubnessMetadata(in));
        }

        XContentBuilder b = JsonXContent.contentBuilder().startObject();
        m.toXContent(b, ToXContent.EMPTY_PARAMS);
        b.endObject();
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, b.toString())) {
            HubnessMetadata back = HubnessMetadata.fromXContent(p);
            assertEquals(m, back);
            assertNotNull(back.bank("b").build());
        }
    }
}

package org.opensearch.hubness.bank.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.storage.PostedVectors;

/** The banks' cluster metadata: its state machine, and that it survives the wire and the on-disk (XContent) form. */
class HubnessMetadataTests {

    private static BankDefinition def(String name) {
        return StateFixtures.stored(name, StateFixtures.INDEX_BANK);
    }

    private static BankVersion version(long v, String buildId) {
        return new BankVersion(v, buildId, "sha-" + buildId, 4, 10, 0, StateFixtures.report(v, 10));
    }

    private static HubnessMetadata readyAt(long v) {
        HubnessMetadata m =
                BankTransitions.create(HubnessMetadata.EMPTY, "b", def("b"), "build-1", "node-a", "eph-a", 1);
        m = BankTransitions.publish(m, "b", "build-1", version(1, "build-1"));
        for (long i = 2; i <= v; i++) {
            m = BankTransitions.rebuild(
                    m, "b", "build-" + i, "node-a", "eph-a", i, Set.of("eph-a"), BuildTrigger.REBUILD);
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
        HubnessMetadata m = BankTransitions.rebuild(
                readyAt(1), "b", "build-2", "node-a", "eph-a", 5, Set.of("eph-a"), BuildTrigger.REBUILD);
        HubnessMetadata building = m;
        OpenSearchStatusException e = assertThrows(
                OpenSearchStatusException.class,
                () -> BankTransitions.rebuild(
                        building,
                        "b",
                        "build-3",
                        "node-b",
                        "eph-b",
                        6,
                        Set.of("eph-a", "eph-b"),
                        BuildTrigger.REBUILD));
        assertEquals(RestStatus.CONFLICT, e.status());
        assertTrue(e.getMessage().contains("already building version 2"), e.getMessage());
        HubnessMetadata takenOver = BankTransitions.rebuild(
                building, "b", "build-3", "node-b", "eph-b", 6, Set.of("eph-b"), BuildTrigger.REBUILD);
        assertEquals("build-3", takenOver.bank("b").build().buildId());
        assertEquals(3, takenOver.bank("b").build().version(), "version numbers never repeat");
    }

    @Test
    void aBuildOvertakenByADeleteNeverPublishesAndNeverResurrectsTheBank() {
        HubnessMetadata m = BankTransitions.create(HubnessMetadata.EMPTY, "b", def("b"), "old", "node-a", "eph-a", 1);
        m = BankTransitions.delete(m, "b");
        m = BankTransitions.create(
                m,
                "b",
                StateFixtures.stored("b", StateFixtures.INDEX_BANK.replace("10", "20")),
                "new",
                "node-a",
                "eph-a",
                2);
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
                IllegalArgumentException.class,
                () -> BankTransitions.create(readyAt(1), "b", def("b"), "x", "n", "e", 1));
    }

    @Test
    void aFailedBuildKeepsTheServingVersionAndAnInvalidFirstBuildLeavesNoBank() {
        HubnessMetadata m = BankTransitions.rebuild(
                readyAt(2), "b", "build-3", "node-a", "eph-a", 5, Set.of("eph-a"), BuildTrigger.REBUILD);
        HubnessMetadata failed = BankTransitions.fail(m, "b", "build-3", new BankFailure(3, "X", "boom", 7));
        assertEquals(BankState.FAILED, failed.bank("b").state());
        assertEquals(2, failed.bank("b").serving().version());
        assertEquals("boom", failed.bank("b").failure().reason());
        assertFalse(failed.bank("b").liveBuildIds().contains("build-3"), "the failed build's blobs are cleaned up");
        HubnessMetadata fresh =
                BankTransitions.create(HubnessMetadata.EMPTY, "c", def("c"), "c1", "node-a", "eph-a", 1);
        assertNull(BankTransitions.abandon(fresh, "c", "c1", new BankFailure(1, "X", "bad", 1))
                .bank("c"));
    }

    @Test
    void buildsOfNodesThatLeftOrRestartedAreFailed() {
        HubnessMetadata m = BankTransitions.rebuild(
                readyAt(1), "b", "build-2", "node-a", "eph-a", 5, Set.of("eph-a"), BuildTrigger.REBUILD);
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
        HubnessMetadata m = BankTransitions.rebuild(
                readyAt(2), "b", "build-3", "node-a", "eph-a", 5, Set.of("eph-a"), BuildTrigger.REBUILD);
        m = m.with(BankTransitions.fail(m, "b", "build-3", new BankFailure(3, "X", "boom", 7))
                .bank("b")
                .withBuild(new BuildTicket(4, "build-4", "node-b", "eph-b", 11, BuildTrigger.REBUILD)));
        m = BankTransitions.create(m, "other", def("other"), "o1", "node-c", "eph-c", 3);

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

    @Test
    void aBuildRecordsWhatStartedItAndAPolicyCheckIsKeptAcrossBuildsUnlessALaterOneIsRecorded() {
        HubnessMetadata m =
                BankTransitions.create(HubnessMetadata.EMPTY, "p", policyDef("p"), "build-1", "node-a", "eph-a", 1);
        assertEquals(BuildTrigger.PUT, m.bank("p").build().trigger());
        m = BankTransitions.publish(m, "p", "build-1", version(1, "build-1"));
        PolicyCheck first = new PolicyCheck(100, 1, 60L, 10, 6.0, null, PolicyCheck.Outcome.REBUILD_STARTED, 2L, null);
        m = BankTransitions.recordPolicyCheck(m, "p", first);
        assertEquals(first, m.bank("p").policyCheck());
        m = BankTransitions.rebuild(m, "p", "build-2", "node-a", "eph-a", 101, Set.of("eph-a"), BuildTrigger.POLICY);
        assertEquals(BuildTrigger.POLICY, m.bank("p").build().trigger());
        assertEquals(first, m.bank("p").policyCheck(), "a build keeps the check that started it");
        m = BankTransitions.publish(m, "p", "build-2", version(2, "build-2"));
        assertEquals(first, m.bank("p").policyCheck(), "and so does its publication");
        PolicyCheck stale = new PolicyCheck(99, 1, 0L, 10, 0.0, null, PolicyCheck.Outcome.UNCHANGED, null, null);
        assertSame(m, BankTransitions.recordPolicyCheck(m, "p", stale), "an older check never hides a later one");
        assertSame(m, BankTransitions.recordPolicyCheck(m, "gone", first), "a deleted bank records nothing");
        HubnessMetadata noPolicy = readyAt(1);
        assertSame(noPolicy, BankTransitions.recordPolicyCheck(noPolicy, "b", first), "nor does a bank without policy");
        assertEquals(
                BuildTrigger.REBUILD,
                BankTransitions.rebuild(readyAt(1), "b", "b2", "n", "e", 2, Set.of(), BuildTrigger.REBUILD)
                        .bank("b")
                        .build()
                        .trigger());
    }

    /** A ticket and a report stored before triggers were recorded read sensibly: a rebuild, and no trigger. */
    @Test
    void aTicketAndAReportStoredBeforeTriggersExistedRead() throws Exception {
        String ticket = "{\"version\":2,\"build_id\":\"x\",\"node\":\"n\",\"node_ephemeral_id\":\"e\",\"started\":5}";
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, ticket)) {
            assertEquals(BuildTrigger.REBUILD, BuildTicket.fromXContent(p).trigger());
        }
        String report = StateFixtures.report(3, 10)
                .toXContent(JsonXContent.contentBuilder(), ToXContent.EMPTY_PARAMS)
                .toString();
        assertFalse(report.contains("trigger") || report.contains("gallery_operations"), report);
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, report)) {
            BuildReport old = BuildReport.fromXContent(p);
            assertNull(old.trigger());
            assertNull(old.galleryOperations());
        }
    }

    private static BankDefinition policyDef(String name) {
        return StateFixtures.stored(
                name,
                "{\"gallery\":{\"index\":\"g\",\"field\":\"v\"},\"query_bank\":{\"index\":\"q\",\"field\":\"v\"},"
                        + "\"rebuild_policy\":{\"interval\":\"1s\",\"min_gallery_change\":0.5}}");
    }

    /** Every field of every record set, and every optional one absent in a second bank. */
    private static HubnessMetadata everyFieldSet() {
        BankDefinition full = PostedVectors.forStorage(
                BankDefinition.fromMap(
                        "full",
                        XContentHelper.convertToMap(
                                JsonXContent.jsonXContent,
                                "{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, "
                                        + "\"query_bank\": {\"vectors\": [[1, 0], [0, 1]]}, "
                                        + "\"gallery_bank\": {\"sample\": {\"size\": 7, \"seed\": 9}}, "
                                        + "\"beta_query\": 5.5, \"beta_gallery\": 2, \"k\": 3, \"csls_k\": 4, "
                                        + "\"nnn_k\": 6, \"nnn_alpha\": 0.5, \"similarity\": \"l2\", "
                                        + "\"description\": \"every field\", \"rebuild_policy\": {\"interval\": \"90s\", "
                                        + "\"min_gallery_change\": 0.125}}",
                                false)),
                "posted-1");
        BankRecord everything = new BankRecord(
                "full",
                full,
                BankState.FAILED,
                new BankVersion(5, "build-5", "sha-5", 2, 2, 7, StateFixtures.fullReport(5)),
                new BankVersion(4, "build-4", "sha-4", 2, 2, 7, StateFixtures.report(4, 9_000_000_000L)),
                new BuildTicket(7, "build-7", "node-b", "eph-b", 1_700_000_000_123L, BuildTrigger.POLICY),
                new BankFailure(
                        6, "IllegalStateException", "the reason, with \"quotes\" and ünïcode", 1_700_000_000_042L),
                7,
                new PolicyCheck(
                        1_700_000_000_777L,
                        5,
                        123L,
                        1_000,
                        0.123,
                        4_567L,
                        PolicyCheck.Outcome.REBUILD_NOT_STARTED,
                        null,
                        "bank [full] is already building"));
        BankRecord bare = new BankRecord("bare", def("bare"), BankState.BUILDING, null, null, null, null, 0, null);
        return HubnessMetadata.EMPTY.with(everything).with(bare);
    }

    @Test
    void everyFieldSurvivesTheWire() throws Exception {
        HubnessMetadata m = everyFieldSet();
        BytesStreamOutput out = new BytesStreamOutput();
        m.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            HubnessMetadata back = new HubnessMetadata(in);
            assertEquals(m, back);
            assertEquals(0, in.available(), "every byte written is read");
        }
    }

    /**
     * The gateway (a full-cluster restart) and a snapshot keep the banks as the cluster metadata's XContent: read
     * back through OpenSearch's own Metadata parser, as a restarted node reads it, they are exactly the same banks.
     */
    @Test
    void everyFieldSurvivesTheGatewayAndSnapshotForm() throws Exception {
        HubnessMetadata m = everyFieldSet();
        Metadata written = Metadata.builder().putCustom(HubnessMetadata.TYPE, m).build();
        NamedXContentRegistry registry = new NamedXContentRegistry(List.of(new NamedXContentRegistry.Entry(
                Metadata.Custom.class, new ParseField(HubnessMetadata.TYPE), HubnessMetadata::fromXContent)));
        for (Metadata.XContentContext context :
                List.of(Metadata.XContentContext.GATEWAY, Metadata.XContentContext.SNAPSHOT)) {
            ToXContent.Params params = new ToXContent.MapParams(Map.of(Metadata.CONTEXT_MODE_PARAM, context.name()));
            XContentBuilder b = JsonXContent.contentBuilder().startObject();
            Metadata.Builder.toXContent(written, b, params);
            b.endObject();
            String json = b.toString();
            try (XContentParser p = JsonXContent.jsonXContent.createParser(
                    registry, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
                Metadata read = Metadata.Builder.fromXContent(p);
                assertEquals(m, read.custom(HubnessMetadata.TYPE), context + ": " + json);
            }
            // and the form is stable: written again, the same bytes
            XContentBuilder again = JsonXContent.contentBuilder().startObject();
            Metadata.Builder.toXContent(written, again, params);
            assertEquals(json, again.endObject().toString());
        }
    }

    @Test
    void aMistypedStoredFieldIsAParseErrorThatNamesIt() throws Exception {
        String json = "{\"banks\":{\"b\":{\"definition\":" + StateFixtures.INDEX_BANK
                + ",\"state\":\"ready\",\"last_version\":\"one\"}}}";
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
            Exception e = assertThrows(Exception.class, () -> HubnessMetadata.fromXContent(p));
            assertTrue(ExceptionsHelper.stackTrace(e).contains("last_version"), ExceptionsHelper.stackTrace(e));
        }
    }
}

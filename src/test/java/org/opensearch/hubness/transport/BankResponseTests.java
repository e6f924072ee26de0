package org.opensearch.hubness.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.state.StateFixtures;
import org.opensearch.hubness.node.BankSync;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.node.NodeView;

/** A bank's answer crosses the wire as typed records and renders the documented fields (docs/api.md, GET a bank). */
class BankResponseTests {

    private static final String DEF =
            "{\"gallery\":{\"index\":\"g\",\"field\":\"v\"},\"query_bank\":{\"posted\":{\"blob\":\"b1\",\"count\":3,"
                    + "\"dimension\":4,\"sha256\":\"abc\"}},\"beta_query\":10.0,\"beta_gallery\":3.0,\"k\":1,\"csls_k\":10,\"nnn_k\":16,\"nnn_alpha\":0.75}";

    private static JsonNode render(BankResponse r) throws Exception {
        XContentBuilder b = JsonXContent.contentBuilder();
        r.toXContent(b, ToXContent.EMPTY_PARAMS);
        return new ObjectMapper().readTree(b.toString());
    }

    @Test
    void aBankAnswerSurvivesTheWireAndRendersItsFields() throws Exception {
        HubnessMetadata m = BankTransitions.create(
                HubnessMetadata.EMPTY, "b", StateFixtures.stored("b", DEF), "b1", "node-a", "eph-a", 1);
        m = BankTransitions.publish(
                m, "b", "b1", new BankVersion(1, "b1", "sha-1", 4, 3, 0, StateFixtures.report(1, 8)));
        m = BankTransitions.rebuild(m, "b", "b2", "node-a", "eph-a", 2, Set.of("eph-a"), BuildTrigger.REBUILD);
        m = BankTransitions.fail(m, "b", "b2", new BankFailure(2, "IllegalArgumentException", "boom", 3));
        BankResponse sent = BankResponse.one(
                m.bank("b"),
                List.of(
                        new NodeView("n1", "node-1", 1L, null, null, null),
                        new NodeView(
                                "n2",
                                "node-2",
                                null,
                                new NodeBanks.Refused(1, "fails its checksum", RestStatus.SERVICE_UNAVAILABLE),
                                null,
                                null)));
        BytesStreamOutput out = new BytesStreamOutput();
        sent.writeTo(out);
        BankResponse received;
        try (StreamInput in = out.bytes().streamInput()) {
            received = new BankResponse(in);
        }
        assertEquals(m.bank("b"), received.bank());
        JsonNode json = render(received);
        assertEquals("failed", json.path("state").asText());
        assertEquals(1, json.path("version").asInt());
        assertEquals("boom", json.path("failure").path("reason").asText());
        assertEquals(
                3,
                json.path("definition")
                        .path("query_bank")
                        .path("posted_vectors")
                        .asInt());
        assertFalse(json.path("definition").path("query_bank").has("posted"), "blob references stay internal: " + json);
        assertEquals(8, json.path("build").path("gallery_documents").asInt());
        assertFalse(json.toString().contains("sha-1"), "no digest of the vectors in GET: " + json);
        assertEquals(1, json.path("nodes").path("n1").path("version").asInt());
        assertTrue(
                json.path("nodes")
                        .path("n2")
                        .path("refused")
                        .path("reason")
                        .asText()
                        .contains("checksum"),
                json.toString());
        assertTrue(json.path("nodes").path("n2").path("version").isNull());
    }

    private static BankResponse sentAndReceived(BankResponse sent) throws Exception {
        BytesStreamOutput out = new BytesStreamOutput();
        sent.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            return new BankResponse(in);
        }
    }

    private static HubnessMetadata publishedVersion1() {
        HubnessMetadata m = BankTransitions.create(
                HubnessMetadata.EMPTY, "b", StateFixtures.stored("b", DEF), "b1", "node-a", "eph-a", 1);
        return BankTransitions.publish(
                m, "b", "b1", new BankVersion(1, "b1", "sha-1", 4, 3, 0, StateFixtures.report(1, 3)));
    }

    @Test
    void aBuildAnswersOkOnlyWhenEveryNodeHoldsTheVersion() throws Exception {
        BankResponse all = sentAndReceived(BankResponse.published(
                publishedVersion1().bank("b"),
                List.of(
                        new NodeView("n1", "node-1", 1L, null, null, null),
                        new NodeView("n2", "node-2", 1L, null, null, null))));
        assertEquals(RestStatus.OK, all.status());
        assertFalse(render(all).has("not_loaded"), render(all).toString());
        assertEquals(
                RestStatus.OK,
                BankResponse.one(publishedVersion1().bank("b"), List.of()).status(),
                "GET is 200");
    }

    @Test
    void aRefusingNodeMakesTheBuildAnswerItsRefusalNamingTheNodeAndTheReason() throws Exception {
        BankResponse r = sentAndReceived(BankResponse.published(
                publishedVersion1().bank("b"),
                List.of(
                        new NodeView("n1", "node-1", 1L, null, null, null),
                        new NodeView(
                                "n2",
                                "node-2",
                                null,
                                new NodeBanks.Refused(
                                        1, "the [hubness] circuit breaker has no room", RestStatus.TOO_MANY_REQUESTS),
                                null,
                                null),
                        new NodeView(
                                "n3",
                                "node-3",
                                null,
                                null,
                                new BankSync.Retry(1, 2, "no shard available for [.hubness-banks][0]", 0),
                                null))));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, r.status(), "the refusal's status wins over a node still loading");
        JsonNode json = render(r);
        assertEquals("ready", json.path("state").asText(), "the version is published: " + json);
        assertEquals(429, json.path("not_loaded").path("status").asInt(), json.toString());
        assertEquals(
                "[\"node-2\",\"node-3\"]", json.path("not_loaded").path("nodes").toString());
        String reason = json.path("not_loaded").path("reason").asText();
        assertTrue(reason.contains("node [node-2] refused it: the [hubness] circuit breaker has no room"), reason);
        assertTrue(reason.contains("node [node-3] could not read it yet (2 failed reads"), reason);
        assertTrue(reason.contains("no shard available"), reason);
        assertEquals(
                2,
                json.path("nodes")
                        .path("n3")
                        .path("retrying")
                        .path("failed_reads")
                        .asInt(),
                json.toString());
        assertTrue(json.path("nodes").path("n1").path("retrying").isMissingNode(), json.toString());
    }

    @Test
    void aNodeThatDidNotAnswerOrStillLoadsIsARetryable503() throws Exception {
        BankResponse r = sentAndReceived(BankResponse.published(
                publishedVersion1().bank("b"),
                List.of(
                        new NodeView("n1", "node-1", null, null, null, null),
                        new NodeView("n2", "node-2", null, null, null, "node-2 left the cluster"))));
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, r.status());
        String reason = render(r).path("not_loaded").path("reason").asText();
        assertTrue(reason.contains("node [node-1] is still loading it"), reason);
        assertTrue(reason.contains("node [node-2] did not answer: node-2 left the cluster"), reason);
    }

    @Test
    void theListShowsNameStateVersionAndGallery() throws Exception {
        HubnessMetadata m = BankTransitions.create(
                HubnessMetadata.EMPTY, "b", StateFixtures.stored("b", DEF), "b1", "node-a", "eph-a", 1);
        JsonNode json = render(BankResponse.list(List.copyOf(m.banks().values())));
        JsonNode row = json.path("banks").get(0);
        assertEquals("b", row.path("name").asText());
        assertEquals("building", row.path("state").asText());
        assertTrue(row.path("version").isNull());
        assertEquals("g", row.path("gallery").path("index").asText());
    }
}

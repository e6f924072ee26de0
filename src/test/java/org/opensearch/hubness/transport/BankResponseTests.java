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
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.state.StateFixtures;

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
        m = BankTransitions.rebuild(m, "b", "b2", "node-a", "eph-a", 2, Set.of("eph-a"));
        m = BankTransitions.fail(m, "b", "b2", new BankFailure(2, "IllegalArgumentException", "boom", 3));
        BankResponse sent = BankResponse.one(
                m.bank("b"),
                List.of(
                        new NodeView("n1", "node-1", 1L, null, null, null),
                        new NodeView("n2", "node-2", null, 1L, "fails its checksum", null)));
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

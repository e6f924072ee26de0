package org.opensearch.hubness.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.generic.OpenSearchClientException;
import org.opensearch.hubness.it.LocalCluster;

/** The official Java client builds a bank and runs the hubness rescore clause through its generic API. */
class JavaClientIT {

    static final String GALLERY = "java-client-images";
    static final String BANK_INDEX = "java-client-captions";
    static final String BANK = "java-client-v1";

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();
    private static OpenSearchClient client;

    @BeforeAll
    static void setUp() throws Exception {
        ClientFixture.drop(cluster, GALLERY, BANK_INDEX, BANK);
        ClientFixture.create(cluster, GALLERY, BANK_INDEX);
        client = JavaClientExample.connect(cluster.baseUrl());
        JsonObject definition = Json.createObjectBuilder()
                .add("gallery", Json.createObjectBuilder().add("index", GALLERY).add("field", ClientFixture.FIELD))
                .add(
                        "query_bank",
                        Json.createObjectBuilder().add("index", BANK_INDEX).add("field", ClientFixture.FIELD))
                .add(
                        "gallery_bank",
                        Json.createObjectBuilder()
                                .add(
                                        "sample",
                                        Json.createObjectBuilder()
                                                .add("size", 4)
                                                .add("seed", 7)))
                .build();
        JsonObject status = JavaClientExample.putBank(client, BANK, definition);
        assertEquals("ready", status.getString("state"), status.toString());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (client != null) client._transport().close();
        ClientFixture.drop(cluster, GALLERY, BANK_INDEX, BANK);
    }

    @Test
    void everyMethodThroughTheJavaClientMatchesPlainHttp() throws Exception {
        for (String method : List.of("none", "is", "dis", "dual_is", "dual_dis", "csls", "nnn")) {
            SearchResponse<JsonData> r = JavaClientExample.search(
                    client, GALLERY, ClientFixture.FIELD, BANK, method, ClientFixture.QUERY, 10, 100);
            List<String> ids = new ArrayList<>();
            for (Hit<JsonData> hit : r.hits().hits()) {
                ids.add(hit.id());
                assertTrue(
                        hit.score() >= 1, method + ": hit " + hit.id() + " scored " + hit.score() + ", not rescored");
            }
            List<Double> expectedScores = new ArrayList<>();
            List<String> expected = ClientFixture.referenceIds(cluster, GALLERY, BANK, method, expectedScores);
            assertEquals(6, ids.size(), method + ": " + ids);
            assertEquals(expected, ids, method + ": the Java client's hits differ from plain HTTP");
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(
                        expectedScores.get(i),
                        r.hits().hits().get(i).score(),
                        1e-6,
                        method + " score of " + ids.get(i));
            }
        }
    }

    @Test
    void anInvalidRescoreIsAClientExceptionWithTheReason() {
        OpenSearchClientException e = assertThrows(
                OpenSearchClientException.class,
                () -> JavaClientExample.search(
                        client, GALLERY, ClientFixture.FIELD, BANK, "softmax", ClientFixture.QUERY, 10, 100));
        assertEquals(400, e.status());
        String body = e.response().getBody().map(b -> b.bodyAsString()).orElse("");
        assertTrue(body.contains("unknown method [softmax]"), "the error body names the problem: " + body);
    }
}

/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;

/**
 * The node coordinating a build reserves its banks' bytes in its request breaker before it reads them (issue 19), on
 * the real 3-node cluster: with {@code indices.breaker.request.limit} below a bank's size, a PUT and a _rebuild are
 * 429s naming the bank, the bytes and the setting, recorded nowhere; every node lives and the serving version keeps
 * its scores; with the limit restored the same requests build.
 */
@SuppressForbidden(
        reason = "a JSON text block filled by String#formatted with %s of strings only, which no locale changes")
class BuildMemoryIT {

    private static final String GALLERY = "memory-gallery";
    private static final String CAPTIONS = "memory-captions";
    private static final String BIG = "memory-bank-source";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String LIMIT = "indices.breaker.request.limit";
    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    private static int d;
    private static float[] captions;
    /** Rows of the big bank's source index: every caption and every image of the data set. */
    private static int bigRows;

    @BeforeAll
    static void loadData() {
        CaptionGallery data = CaptionGallery.index(cluster, GALLERY, CAPTIONS);
        d = data.d();
        captions = data.captions();
        float[] text = VectorIndex.read("flickr8k-tinyclip", "text.npy").toFloats();
        float[] image = VectorIndex.read("flickr8k-tinyclip", "image.npy").toFloats();
        float[] all = new float[text.length + image.length];
        System.arraycopy(text, 0, all, 0, text.length);
        System.arraycopy(image, 0, all, text.length, image.length);
        bigRows = all.length / d;
        VectorIndex.create(cluster, BIG, d, "cosinesimil", 2, 1);
        VectorIndex.load(cluster, BIG, all, d, i -> "row-" + i);
        cluster.get("/_cluster/health?wait_for_status=green&timeout=60s").ok();
    }

    @AfterAll
    static void dropAll() {
        cluster.put("/_cluster/settings", "{\"persistent\": {\"" + LIMIT + "\": null}}");
        for (String bank : List.of("memory-big", "memory-kept")) cluster.delete(BANKS + bank);
        for (String index : List.of(GALLERY, CAPTIONS, BIG)) cluster.delete("/" + index);
    }

    private static String bankFrom(String source, int maxSize) {
        return """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding", "max_size": %s}}
            """.formatted(GALLERY, source, String.valueOf(maxSize));
    }

    /** A limit a quarter of a 500-row bank: below every bank here, above what the other requests take. */
    private static String lowLimit() {
        return "\"" + 500L * d + "b\"";
    }

    @Test
    void aPutWhoseBankDoesNotFitTheCoordinatorIsA429AndLeavesNothingBehind() {
        long bytes = 4L * bigRows * d;
        try {
            persistent(LIMIT, lowLimit());
            LocalCluster.Response r = cluster.put(BANKS + "memory-big?wait_for_completion=true", bankFrom(BIG, 5000));
            assertEquals(429, r.status(), r.body());
            assertTrue(r.body().contains("bank [memory-big]"), r.body());
            assertTrue(r.body().contains(bytes + " bytes"), "the rows are the source's documents: " + r.body());
            assertTrue(r.body().contains(LIMIT), r.body());
            assertEveryNodeLives();
            assertEquals(404, cluster.get(BANKS + "memory-big").status(), "a refused PUT records no bank");
        } finally {
            persistent(LIMIT, "null");
        }
        JsonNode built = cluster.put(BANKS + "memory-big?wait_for_completion=true", bankFrom(BIG, 5000))
                .ok()
                .json();
        JsonNode bank = cluster.get(BANKS + "memory-big").ok().json();
        assertEquals("ready", bank.path("state").asText(), built + " / " + bank);
        assertEquals(bigRows, bank.path("build").path("query_bank_size").asInt(), bank.toString());
        assertEquals(
                10,
                hits(cluster.post("/" + GALLERY + "/_search", search("memory-big")))
                        .size());
    }

    @Test
    void aRebuildWhoseBanksDoNotFitIsA429AndThePreviousVersionKeepsServing() {
        cluster.put(BANKS + "memory-kept", bankFrom(CAPTIONS, 10_000)).ok();
        List<String> genuine = hits(cluster.post("/" + GALLERY + "/_search", search("memory-kept")));
        try {
            persistent(LIMIT, lowLimit());
            LocalCluster.Response r = cluster.post(BANKS + "memory-kept/_rebuild?wait_for_completion=true", null);
            assertEquals(429, r.status(), r.body());
            assertTrue(r.body().contains("bank [memory-kept]"), r.body());
            assertTrue(r.body().contains(4L * 500 * d + " bytes"), r.body());
            assertTrue(r.body().contains(LIMIT), r.body());
            assertEveryNodeLives();
            JsonNode bank = cluster.get(BANKS + "memory-kept").ok().json();
            assertEquals("ready", bank.path("state").asText(), "refused before it was recorded: " + bank);
            assertEquals(1, bank.path("version").asInt(), bank.toString());
        } finally {
            persistent(LIMIT, "null");
        }
        for (int node = 1; node <= 3; node++) {
            assertEquals(
                    genuine,
                    hits(cluster.node(node).post("/" + GALLERY + "/_search", search("memory-kept"))),
                    "node " + node + " serves version 1 with its scores");
        }
        JsonNode rebuilt = cluster.post(BANKS + "memory-kept/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals(2, rebuilt.path("version").asInt(), rebuilt.toString());
        assertEquals(genuine, hits(cluster.post("/" + GALLERY + "/_search", search("memory-kept"))));
    }

    private static String search(String bank) {
        String q = VectorIndex.vectorJson(captions, 7 * d, d);
        return """
            {"size": 10, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
             "rescore": {"window_size": 30, "hubness": {"bank": "%s", "method": "is", "query_vector": %s}}}
            """.formatted(q, bank, q);
    }

    /** The hits as id=score, in order. */
    private static List<String> hits(LocalCluster.Response r) {
        JsonNode hits = r.ok().json().path("hits").path("hits");
        List<String> out = new ArrayList<>();
        for (JsonNode h : hits)
            out.add(h.path("_id").asText() + "=" + h.path("_score").asText());
        return out;
    }

    private static void assertEveryNodeLives() {
        for (int node = 1; node <= 3; node++) {
            JsonNode health = cluster.node(node)
                    .get("/_cluster/health?wait_for_nodes=3&timeout=30s")
                    .ok()
                    .json();
            assertEquals(3, health.path("number_of_nodes").asInt(), "node " + node + ": " + health);
        }
    }

    /** Sets a persistent cluster setting to a JSON value ("null" resets it). */
    private static void persistent(String key, String json) {
        cluster.put("/_cluster/settings", "{\"persistent\": {\"" + key + "\": " + json + "}}")
                .ok();
    }
}

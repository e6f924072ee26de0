/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opensearch.common.SuppressForbidden;

/**
 * A bank rescores its own gallery index and nothing else, on every path a {@code hubness} clause takes into a search:
 * the explicit clause, a search pipeline inline in the body, {@code ?search_pipeline=}, an index's default pipeline,
 * the request's {@code ext.hubness}, {@code _msearch} lines, a point in time, aliases and multi-index searches. Another index is a 400 that names the
 * bank and the searched index but never the gallery, and never a 200 with rescored hits or failed shards; the gallery
 * itself answers rescored hits (scores above 1) on the same path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressForbidden(
        reason = "JSON text blocks filled by String#formatted with %s of strings only, which no locale changes")
class GallerySearchPathsIT {

    private static final String GALLERY = "paths-gallery-private";
    private static final String OTHER = "paths-notes";
    /** Another index than the gallery, whose default search pipeline adds the hubness clause. */
    private static final String OTHER_PIPED = "paths-notes-piped";

    private static final String BANK = "paths-bank";
    private static final String PIPELINE = "paths-hubness";
    private static final String GALLERY_ALIAS = "paths-alias-gallery";
    private static final String MIXED_ALIAS = "paths-alias-mixed";
    private static final String Q = "[0.9, 0.1, 0.2, 0.1]";
    private static final String REFUSAL = "bank [" + BANK + "] cannot rescore index [";

    private final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @BeforeAll
    void setUp() {
        tearDown();
        cluster.put("/_search/pipeline/" + PIPELINE, processorPipeline("is")).ok();
        createIndex(GALLERY, 2, null);
        createIndex(OTHER, 1, null);
        createIndex(OTHER_PIPED, 1, PIPELINE);
        cluster.put("/_plugins/_hubness/banks/" + BANK, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"vectors": [[1,0,0,0],[0,1,0,0],[0.7,0.7,0,0],[0.2,0.1,0.9,0.1],[0.5,0.5,0.5,0.5]]},
             "gallery_bank": {"sample": {"size": 6, "seed": 7}}}
            """.formatted(GALLERY)).ok();
        cluster.post("/_aliases", """
            {"actions": [{"add": {"index": "%s", "alias": "%s"}},
                         {"add": {"indices": ["%s", "%s"], "alias": "%s"}}]}
            """.formatted(GALLERY, GALLERY_ALIAS, GALLERY, OTHER, MIXED_ALIAS))
                .ok();
    }

    @AfterAll
    void tearDown() {
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        for (String index : List.of(GALLERY, OTHER, OTHER_PIPED)) cluster.delete("/" + index);
        cluster.delete("/_search/pipeline/" + PIPELINE);
    }

    /** 12 documents, the same vectors in every index: the other indices hold what the gallery holds. */
    private void createIndex(String name, int shards, String defaultPipeline) {
        String pipeline = defaultPipeline == null ? "" : ", \"search.default_pipeline\": \"" + defaultPipeline + "\"";
        cluster.put("/" + name, """
            {"settings": {"index": {"knn": true, "knn.advanced.approximate_threshold": -1, "number_of_shards": %d,
                                    "number_of_replicas": 0%s}},
             "mappings": {"properties": {"embedding": {"type": "knn_vector", "dimension": 4,
                           "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"}}}}}
            """.formatted(shards, pipeline)).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            double a = i * 0.5;
            bulk.append("{\"index\":{\"_id\":\"d").append(i).append("\"}}\n");
            bulk.append(String.format(
                    Locale.ROOT,
                    "{\"embedding\":[%.4f,%.4f,%.4f,%.4f]}%n",
                    Math.cos(a),
                    Math.sin(a),
                    0.3 + 0.05 * i,
                    i % 3 == 0 ? 0.8 : 0.1));
        }
        cluster.post("/" + name + "/_bulk?refresh=true", bulk.toString()).ok();
    }

    // ------------------------------------------------------------------------------------------------ bodies

    private static String processorPipeline(String method) {
        return "{\"request_processors\": [{\"hubness\": {\"bank\": \"" + BANK + "\", \"method\": \"" + method
                + "\", \"window_size\": 10}}]}";
    }

    private static final String KNN = "\"query\": {\"knn\": {\"embedding\": {\"vector\": " + Q + ", \"k\": 10}}}";

    /** A plain knn search: a pipeline may add the clause. */
    private static String plain() {
        return "{\"size\": 5, " + KNN + "}";
    }

    /** The explicit clause, with method is (ungated) or dual_dis (gated: a top-1 search of the gallery first). */
    private static String explicit(String method) {
        return "{\"size\": 5, " + KNN + ", \"rescore\": {\"window_size\": 10, \"hubness\": {\"bank\": \"" + BANK
                + "\", \"query_vector\": " + Q + ", \"method\": \"" + method + "\"}}}";
    }

    private static String inlinePipeline(String method) {
        return "{\"size\": 5, " + KNN + ", \"search_pipeline\": " + processorPipeline(method) + "}";
    }

    /** The request's ext.hubness: the system-generated processor adds the clause (once the admin enabled it). */
    private static String withExt(String method) {
        return "{\"size\": 5, " + KNN + ", \"ext\": {\"hubness\": {\"bank\": \"" + BANK + "\", \"method\": \"" + method
                + "\", \"window_size\": 10}}}";
    }

    private static String withPit(String body, String pitId) {
        return body.substring(0, body.length() - 1) + ", \"pit\": {\"id\": \"" + pitId + "\", \"keep_alive\": \"1m\"}}";
    }

    // ------------------------------------------------------------------------------------------------ outcomes

    /** A 400 naming the bank and the searched index, no hits, and not a word about the gallery. */
    private static void refused(JsonNode answer, String searched, String what) {
        String text = answer.toString();
        int status = answer.path("status").asInt();
        assertEquals(400, status, what + ": " + text);
        assertTrue(text.contains(REFUSAL + searched + "]"), what + " names the bank and the index: " + text);
        assertFalse(text.contains(GALLERY), what + " must not name the gallery: " + text);
        assertFalse(answer.has("hits"), what + " returns no hits: " + text);
    }

    private static void refused(LocalCluster.Response r, String searched, String what) {
        assertEquals(400, r.status(), what + ": " + r.body());
        refused(r.json(), searched, what);
    }

    /** The searcher named the gallery too, so it may appear; the other index's refusal fails the whole search. */
    private static void refusedAsAWhole(LocalCluster.Response r, String what) {
        assertEquals(400, r.status(), what + ": " + r.body());
        assertTrue(r.body().contains(REFUSAL + OTHER + "]"), what + ": " + r.body());
        assertFalse(r.json().has("hits"), what + " returns no hits: " + r.body());
    }

    /** A 200 from every shard whose hits are all rescored (a rescored hit scores above 1, a knn hit at most 1). */
    private static void rescored(JsonNode answer, String what) {
        String text = answer.toString();
        assertFalse(answer.has("error"), what + ": " + text);
        assertEquals(0, answer.path("_shards").path("failed").asInt(), what + " had failed shards: " + text);
        JsonNode hits = answer.path("hits").path("hits");
        assertEquals(5, hits.size(), what + ": " + text);
        for (JsonNode h : hits) assertTrue(h.path("_score").asDouble() > 1, what + " rescored every hit: " + text);
    }

    private static void rescored(LocalCluster.Response r, String what) {
        assertEquals(200, r.status(), what + ": " + r.body());
        rescored(r.json(), what);
    }

    // ------------------------------------------------------------------------------------------------ paths

    @Test
    void explicitClause() {
        otherRefusedGalleryRescored("explicit", GallerySearchPathsIT::explicit);
    }

    @Test
    void inlineSearchPipeline() {
        otherRefusedGalleryRescored("inline pipeline", GallerySearchPathsIT::inlinePipeline);
    }

    /** For an ungated and a gated method (whose top-1 search of the gallery runs first): refused, and rescored. */
    private void otherRefusedGalleryRescored(String what, Function<String, String> bodyOf) {
        for (String method : List.of("is", "dual_dis")) {
            refused(cluster.post("/" + OTHER + "/_search", bodyOf.apply(method)), OTHER, what + " " + method);
            rescored(
                    cluster.post("/" + GALLERY + "/_search", bodyOf.apply(method)),
                    what + " " + method + " on the gallery");
        }
    }

    /**
     * {@code ext.hubness} (the admin's switch on for this test): refused on another index and rescored on the gallery,
     * by {@code _search}, {@code _msearch} lines, a point in time and a search over both indices (refused as a whole).
     */
    @Test
    void searchExtension() {
        try (ExtSwitch on = ExtSwitch.enable(cluster, List.of(ExtSwitch.HUBNESS))) {
            otherRefusedGalleryRescored("ext.hubness", GallerySearchPathsIT::withExt);
            String lines = "{\"index\": \"" + OTHER + "\"}\n" + withExt("is") + "\n"
                    + "{\"index\": \"" + GALLERY + "\"}\n" + withExt("dual_dis") + "\n"
                    + "{\"index\": \"" + OTHER + "\"}\n" + withExt("dual_dis") + "\n";
            JsonNode responses = cluster.post("/_msearch", lines).ok().json().path("responses");
            assertEquals(3, responses.size(), responses.toString());
            refused(responses.get(0), OTHER, "_msearch ext line");
            rescored(responses.get(1), "_msearch ext line on the gallery");
            refused(responses.get(2), OTHER, "_msearch ext line, gated method");
            String otherPit = openPit(OTHER);
            try {
                refused(cluster.post("/_search", withPit(withExt("is"), otherPit)), OTHER, "pit ext");
            } finally {
                cluster.send("DELETE", "/_search/point_in_time", "{\"pit_id\": [\"" + otherPit + "\"]}");
            }
            refusedAsAWhole(
                    cluster.post("/" + GALLERY + "," + OTHER + "/_search", withExt("is")),
                    "gallery and another index, ext");
        }
    }

    @Test
    void storedPipelineByName() {
        String query = "/_search?search_pipeline=" + PIPELINE;
        refused(cluster.post("/" + OTHER + query, plain()), OTHER, "?search_pipeline=");
        rescored(cluster.post("/" + GALLERY + query, plain()), "?search_pipeline= on the gallery");
    }

    @Test
    void indexDefaultPipeline() {
        refused(cluster.post("/" + OTHER_PIPED + "/_search", plain()), OTHER_PIPED, "default pipeline");
        JsonNode unchanged =
                cluster.post("/" + OTHER + "/_search", plain()).ok().json();
        assertTrue(
                unchanged.path("hits").path("hits").get(0).path("_score").asDouble() <= 1,
                "without a pipeline the other index answers plain knn: " + unchanged);
    }

    /** Explicit, inline or by the index's default pipeline, each line answers for itself: refused, or rescored. */
    @Test
    void multiSearch() {
        String lines = "{\"index\": \"" + OTHER + "\"}\n" + explicit("is") + "\n"
                + "{\"index\": \"" + OTHER_PIPED + "\"}\n" + plain() + "\n"
                + "{\"index\": \"" + OTHER + "\"}\n" + inlinePipeline("is") + "\n"
                + "{\"index\": \"" + GALLERY + "\"}\n" + explicit("dual_dis") + "\n"
                + "{\"index\": \"" + GALLERY + "\"}\n" + inlinePipeline("is") + "\n";
        JsonNode responses = cluster.post("/_msearch", lines).ok().json().path("responses");
        assertEquals(5, responses.size(), responses.toString());
        refused(responses.get(0), OTHER, "_msearch explicit line");
        refused(responses.get(1), OTHER_PIPED, "_msearch line through a default pipeline");
        refused(responses.get(2), OTHER, "_msearch line with an inline pipeline");
        rescored(responses.get(3), "_msearch explicit line on the gallery");
        rescored(responses.get(4), "_msearch pipeline line on the gallery");
    }

    /** The indices come from the point in time, not from the request: the shard check still sees them. */
    @Test
    void pointInTime() {
        String otherPit = openPit(OTHER);
        String galleryPit = openPit(GALLERY);
        try {
            refused(cluster.post("/_search", withPit(explicit("is"), otherPit)), OTHER, "pit explicit");
            refused(cluster.post("/_search", withPit(inlinePipeline("is"), otherPit)), OTHER, "pit inline pipeline");
            refused(
                    cluster.post("/_search?search_pipeline=" + PIPELINE, withPit(plain(), otherPit)),
                    OTHER,
                    "pit ?search_pipeline=");
            rescored(cluster.post("/_search", withPit(explicit("dual_dis"), galleryPit)), "pit on the gallery");
            rescored(
                    cluster.post("/_search?search_pipeline=" + PIPELINE, withPit(plain(), galleryPit)),
                    "pit pipeline on the gallery");
        } finally {
            cluster.send(
                    "DELETE", "/_search/point_in_time", "{\"pit_id\": [\"" + otherPit + "\", \"" + galleryPit + "\"]}");
        }
    }

    private String openPit(String index) {
        return cluster.post("/" + index + "/_search/point_in_time?keep_alive=1m", null)
                .ok()
                .json()
                .path("pit_id")
                .asText();
    }

    /**
     * A search over the gallery and another index fails as a whole — never a 200 with the gallery's shards rescored and
     * the other's failed — by an index list, an alias and a pipeline alike; an alias of the gallery alone works.
     */
    @Test
    void multiIndexAndAliases() {
        String both = "/" + GALLERY + "," + OTHER + "/_search";
        refusedAsAWhole(cluster.post(both, explicit("is")), "gallery and another index, explicit");
        refusedAsAWhole(cluster.post(both + "?search_pipeline=" + PIPELINE, plain()), "gallery and another, pipeline");
        refusedAsAWhole(cluster.post("/" + MIXED_ALIAS + "/_search", inlinePipeline("is")), "an alias over both");
        rescored(cluster.post("/" + GALLERY_ALIAS + "/_search", explicit("is")), "an alias of the gallery");
        rescored(
                cluster.post("/" + GALLERY_ALIAS + "/_search?search_pipeline=" + PIPELINE, plain()),
                "an alias of the gallery, pipeline");
    }

    /** OpenSearch refuses a written rescore in a scroll; the processor leaves a scroll unchanged (plain knn). */
    @Test
    void scroll() {
        LocalCluster.Response written = cluster.post("/" + OTHER + "/_search?scroll=1m", explicit("is"));
        assertEquals(400, written.status(), written.body());
        assertTrue(written.body().contains("not allowed in a scroll context"), written.body());
        JsonNode piped = cluster.post("/" + OTHER + "/_search?scroll=1m&search_pipeline=" + PIPELINE, plain())
                .ok()
                .json();
        assertEquals(0, piped.path("_shards").path("failed").asInt(), piped.toString());
        for (JsonNode h : piped.path("hits").path("hits"))
            assertTrue(h.path("_score").asDouble() <= 1, "a scroll is not rescored: " + piped);
        cluster.send(
                "DELETE",
                "/_search/scroll",
                "{\"scroll_id\": \"" + piped.path("_scroll_id").asText() + "\"}");
    }
}

package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * The {@code hubness} search request processor on the real cluster, through an index's
 * {@code index.search.default_pipeline}: a client's plain knn query returns exactly (ids and scores) what the explicit
 * rescore clause returns, for several methods on flickr8k-tinyclip (gallery = images 0–499 on 2 shards, query bank =
 * captions 500–999, gallery bank = images 500–999, queries = captions 0–99); requests the processor must leave alone
 * pass unchanged and say so (response header, processor stats); ignore_failure decides what a missing bank does;
 * every bad processor configuration is a 400 at PUT _search/pipeline.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class HubnessPipelineIT {

    private static final String DATA = "flickr8k-tinyclip";
    private static final String GALLERY = "pipe-gallery",
            QBANK = "pipe-qbank",
            GBANK = "pipe-gbank",
            BANK = "pipe-bank";
    private static final String PIPELINE = "pipe-hubness";
    private static final int QUERIES = 100, K = 100, WINDOW = 100, BATCH = 50;
    private static final String HEADER = "X-Hubness-Processor";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();
    private static float[] captions;
    private static int d;

    @BeforeAll
    static void loadData() {
        LoudSkip.unless(
                VectorIndex.hasData(DATA, "text.npy"), "no ../shared/data/" + DATA + " for the gallery and the banks");
        NpyArray text = VectorIndex.read(DATA, "text.npy");
        d = text.cols();
        float[] allText = text.toFloats();
        float[] images = VectorIndex.read(DATA, "image.npy").toFloats();
        captions = VectorIndex.rows(allText, d, 0, QUERIES);
        VectorIndex.create(cluster, GALLERY, d, "cosinesimil", 2, 0);
        VectorIndex.load(cluster, GALLERY, VectorIndex.rows(images, d, 0, 500), d, i -> "img-" + i);
        VectorIndex.create(cluster, QBANK, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, QBANK, VectorIndex.rows(allText, d, 500, 1000), d, i -> "txt-" + (500 + i));
        VectorIndex.create(cluster, GBANK, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, GBANK, VectorIndex.rows(images, d, 500, 1000), d, i -> "img-" + (500 + i));
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        cluster.put("/_plugins/_hubness/banks/" + BANK, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"index": "%s", "field": "embedding"}}
            """.formatted(GALLERY, QBANK, GBANK))
                .ok();
    }

    @AfterAll
    static void cleanUp() {
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        for (String index : List.of(GALLERY, QBANK, GBANK)) cluster.delete("/" + index);
        for (String p : List.of(PIPELINE, PIPELINE + "-strict", PIPELINE + "-lenient"))
            cluster.delete("/_search/pipeline/" + p);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String knn(int q) {
        return "{\"knn\":{\"embedding\":{\"vector\":" + VectorIndex.vectorJson(captions, q * d, d) + ",\"k\":" + K
                + "}}}";
    }

    private static String plainBody(String query) {
        return "{\"size\":10,\"_source\":false,\"query\":" + query + "}";
    }

    private static String explicitBody(String query, int q, String method) {
        return "{\"size\":10,\"_source\":false,\"query\":" + query + ",\"rescore\":{\"window_size\":" + WINDOW
                + ",\"hubness\":{\"bank\":\"" + BANK + "\",\"field\":\"embedding\",\"query_vector\":"
                + VectorIndex.vectorJson(captions, q * d, d) + ",\"method\":\"" + method + "\"}}}";
    }

    private static void putPipeline(String id, String processorBody) {
        cluster.put("/_search/pipeline/" + id, "{\"request_processors\":[{\"hubness\":" + processorBody + "}]}")
                .ok();
    }

    private static void defaultPipeline(String id) {
        cluster.put(
                        "/" + GALLERY + "/_settings",
                        "{\"index.search.default_pipeline\":" + (id == null ? "null" : "\"" + id + "\"") + "}")
                .ok();
    }

    /** "id score" per hit, the score as the float the response carries. */
    private static List<String> hitsOf(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode h : response.path("hits").path("hits"))
            out.add(h.path("_id").asText() + " " + h.path("_score").floatValue());
        return out;
    }

    private static List<List<String>> msearch(String path, java.util.function.IntFunction<String> body) {
        List<List<String>> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int q = 0; q < QUERIES; q++) {
            sb.append("{}\n").append(body.apply(q)).append('\n');
            if ((q + 1) % BATCH == 0 || q == QUERIES - 1) {
                for (JsonNode r : cluster.post(path, sb.toString()).ok().json().path("responses")) {
                    assertFalse(r.has("error"), "search failed: " + r);
                    assertEquals(0, r.path("_shards").path("failed").asInt(), "shard failures: " + r);
                    out.add(hitsOf(r));
                }
                sb.setLength(0);
            }
        }
        assertEquals(QUERIES, out.size());
        return out;
    }

    /** A search with its response header; LocalCluster keeps only status and body. */
    private static Searched search(String pathAndQuery, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.baseUrl() + pathAndQuery))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Searched(
                r.statusCode(),
                LocalCluster.JSON.readTree(r.body()),
                r.headers().allValues(HEADER));
    }

    private record Searched(int status, JsonNode json, List<String> header) {}

    /** The processor's stats {count, failed, ...} in the pipeline, summed over the nodes. */
    private static long[] processorStats(String pipeline, String key) {
        long count = 0, failed = 0;
        JsonNode nodes =
                cluster.get("/_nodes/stats/search_pipeline").ok().json().path("nodes");
        for (JsonNode node : nodes) {
            for (JsonNode p : node.path("search_pipeline")
                    .path("pipelines")
                    .path(pipeline)
                    .path("request_processors")) {
                JsonNode stats = p.path(key).path("stats");
                count += stats.path("count").asLong();
                failed += stats.path("failed").asLong();
            }
        }
        return new long[] {count, failed};
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void plainKnnThroughTheDefaultPipelineEqualsTheExplicitClause() {
        defaultPipeline(null);
        List<List<String>> plain = msearch("/" + GALLERY + "/_msearch", q -> plainBody(knn(q)));
        List<String> failures = new ArrayList<>();
        try {
            for (String method : List.of("is", "dis", "dual_is", "dual_dis", "csls", "nnn")) {
                putPipeline(
                        PIPELINE,
                        "{\"tag\":\"t-" + method + "\",\"bank\":\"" + BANK + "\",\"method\":\"" + method
                                + "\",\"window_size\":" + WINDOW + "}");
                defaultPipeline(PIPELINE);
                List<List<String>> viaPipeline = msearch("/" + GALLERY + "/_msearch", q -> plainBody(knn(q)));
                // the explicit clause passes the default pipeline unchanged (its own hubness rescore)
                List<List<String>> explicit =
                        msearch("/" + GALLERY + "/_msearch", q -> explicitBody(knn(q), q, method));
                int differentFromPlain = 0, sameAsExplicit = 0;
                for (int q = 0; q < QUERIES; q++) {
                    if (viaPipeline.get(q).equals(explicit.get(q))) {
                        sameAsExplicit++;
                    } else if (failures.size() < 20) {
                        failures.add(method + " q" + q + ": pipeline " + viaPipeline.get(q) + " explicit "
                                + explicit.get(q));
                    }
                    if (!viaPipeline.get(q).equals(plain.get(q))) differentFromPlain++;
                }
                System.out.printf(
                        Locale.ROOT,
                        "%-8s %d queries: %d identical to the explicit clause (ids and scores); %d differ "
                                + "from plain knn%n",
                        method,
                        QUERIES,
                        sameAsExplicit,
                        differentFromPlain);
                assertEquals(
                        QUERIES,
                        differentFromPlain,
                        method + ": every rescored response has scores >= 1, unlike plain knn");
            }
        } finally {
            defaultPipeline(null);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void boolWithASingleKnnClauseIsRescored() throws Exception {
        putPipeline(PIPELINE, "{\"bank\":\"" + BANK + "\",\"method\":\"dual_is\",\"window_size\":" + WINDOW + "}");
        defaultPipeline(PIPELINE);
        try {
            for (int q = 0; q < 5; q++) {
                String bool = "{\"bool\":{\"must\":[" + knn(q) + "],\"filter\":[{\"match_all\":{}}]}}";
                Searched viaPipeline = search("/" + GALLERY + "/_search", plainBody(bool));
                assertEquals(200, viaPipeline.status(), viaPipeline.json().toString());
                assertEquals(List.of("added"), viaPipeline.header());
                Searched explicit =
                        search("/" + GALLERY + "/_search?search_pipeline=_none", explicitBody(bool, q, "dual_is"));
                assertEquals(hitsOf(explicit.json()), hitsOf(viaPipeline.json()), "q" + q);
            }
            // two knn clauses: no single one to take the vector from
            String two = "{\"bool\":{\"should\":[" + knn(0) + "," + knn(1) + "]}}";
            Searched both = search("/" + GALLERY + "/_search", plainBody(two));
            assertEquals(List.of("unchanged: no_knn_query"), both.header());
            assertEquals(
                    hitsOf(search("/" + GALLERY + "/_search?search_pipeline=_none", plainBody(two))
                            .json()),
                    hitsOf(both.json()));
        } finally {
            defaultPipeline(null);
        }
    }

    /** Every node builds the pipeline's processor from the cluster state; whichever coordinates, the answer is the same. */
    @Test
    void everyNodeCoordinatesTheSame() throws Exception {
        int nodes = cluster.get("/_cat/nodes?format=json").ok().json().size();
        putPipeline(PIPELINE, "{\"bank\":\"" + BANK + "\",\"method\":\"dual_dis\",\"window_size\":" + WINDOW + "}");
        defaultPipeline(PIPELINE);
        try {
            for (int q = 20; q < 25; q++) {
                List<String> explicit = hitsOf(
                        search("/" + GALLERY + "/_search?search_pipeline=_none", explicitBody(knn(q), q, "dual_dis"))
                                .json());
                for (int i = 1; i <= nodes; i++) {
                    LocalCluster.Response r = cluster.node(i)
                            .post("/" + GALLERY + "/_search", plainBody(knn(q)))
                            .ok();
                    assertEquals(explicit, hitsOf(r.json()), "q" + q + " coordinated by node " + i + " of " + nodes);
                }
            }
        } finally {
            defaultPipeline(null);
        }
    }

    @Test
    void pagingPastTheWindowAnswersAsTheExplicitClause() throws Exception {
        putPipeline(PIPELINE, "{\"bank\":\"" + BANK + "\",\"method\":\"is\",\"window_size\":5}");
        try {
            for (int q = 10; q < 13; q++) {
                String page = "{\"from\":3,\"size\":6,\"_source\":false,\"query\":" + knn(q);
                Searched viaPipeline = search("/" + GALLERY + "/_search?search_pipeline=" + PIPELINE, page + "}");
                Searched explicit = search(
                        "/" + GALLERY + "/_search?search_pipeline=_none",
                        page + ",\"rescore\":{\"window_size\":5," + "\"hubness\":{\"bank\":\"" + BANK
                                + "\",\"method\":\"is\",\"query_vector\":" + VectorIndex.vectorJson(captions, q * d, d)
                                + "}}}");
                assertEquals(
                        explicit.status(),
                        viaPipeline.status(),
                        viaPipeline.json().toString());
                assertEquals(
                        hitsOf(explicit.json()),
                        hitsOf(viaPipeline.json()),
                        "q" + q + " from 3 size 6 over a window of 5");
                assertEquals(6, hitsOf(viaPipeline.json()).size());
            }
        } finally {
            cluster.delete("/_search/pipeline/" + PIPELINE);
        }
    }

    @Test
    void ownHubnessRescoreAndNonKnnQueriesPassUnchanged() throws Exception {
        String key = "hubness:pass";
        putPipeline(
                PIPELINE,
                "{\"tag\":\"pass\",\"bank\":\"" + BANK + "\",\"method\":\"dual_is\",\"window_size\":" + WINDOW + "}");
        defaultPipeline(PIPELINE);
        try {
            long[] before = processorStats(PIPELINE, key);
            // its own clause, with another method than the pipeline's: answered by that clause alone
            Searched own = search("/" + GALLERY + "/_search", explicitBody(knn(3), 3, "csls"));
            assertEquals(200, own.status(), own.json().toString());
            assertEquals(List.of("unchanged: has_hubness_rescore"), own.header());
            assertEquals(
                    hitsOf(search("/" + GALLERY + "/_search?search_pipeline=_none", explicitBody(knn(3), 3, "csls"))
                            .json()),
                    hitsOf(own.json()));
            assertNotEquals(
                    hitsOf(search("/" + GALLERY + "/_search", plainBody(knn(3))).json()),
                    hitsOf(own.json()),
                    "csls and the pipeline's dual_is rank differently here, so a second clause would show");

            String term = "{\"ids\":{\"values\":[\"img-1\",\"img-2\",\"img-3\"]}}";
            Searched nonKnn = search("/" + GALLERY + "/_search", plainBody(term));
            assertEquals(200, nonKnn.status(), nonKnn.json().toString());
            assertEquals(List.of("unchanged: no_knn_query"), nonKnn.header());
            assertEquals(
                    hitsOf(search("/" + GALLERY + "/_search?search_pipeline=_none", plainBody(term))
                            .json()),
                    hitsOf(nonKnn.json()));

            Searched sorted =
                    search("/" + GALLERY + "/_search", "{\"size\":3,\"query\":" + knn(4) + ",\"sort\":[\"_doc\"]}");
            assertEquals(200, sorted.status(), "a sorted knn request keeps working: " + sorted.json());
            assertEquals(List.of("unchanged: sorted"), sorted.header());

            Searched added = search("/" + GALLERY + "/_search", plainBody(knn(5)));
            assertEquals(List.of("added"), added.header());

            long[] after = processorStats(PIPELINE, key);
            assertEquals(before[0] + 5, after[0], "the processor's stats count every request it saw, changed or not");
            assertEquals(before[1], after[1], "passing a request unchanged is no failure");
        } finally {
            defaultPipeline(null);
        }
    }

    @Test
    void missingBankFailsTheSearchUnlessIgnoreFailure() throws Exception {
        putPipeline(
                PIPELINE + "-strict", "{\"tag\":\"strict\",\"bank\":\"no-such-bank\",\"window_size\":" + WINDOW + "}");
        putPipeline(
                PIPELINE + "-lenient",
                "{\"tag\":\"lenient\",\"bank\":\"no-such-bank\",\"ignore_failure\":true,\"window_size\":" + WINDOW
                        + "}");
        List<String> plain = hitsOf(search("/" + GALLERY + "/_search?search_pipeline=_none", plainBody(knn(7)))
                .json());

        long[] strictBefore = processorStats(PIPELINE + "-strict", "hubness:strict");
        Searched strict = search("/" + GALLERY + "/_search?search_pipeline=" + PIPELINE + "-strict", plainBody(knn(7)));
        assertEquals(400, strict.status(), strict.json().toString());
        String reason = strict.json().path("error").toString();
        assertTrue(
                reason.contains("unknown bank [no-such-bank]") && reason.contains("PUT /_plugins/_hubness/banks/"),
                reason);
        assertEquals(
                strictBefore[1] + 1, processorStats(PIPELINE + "-strict", "hubness:strict")[1], "counted as a failure");

        long[] lenientBefore = processorStats(PIPELINE + "-lenient", "hubness:lenient");
        Searched lenient =
                search("/" + GALLERY + "/_search?search_pipeline=" + PIPELINE + "-lenient", plainBody(knn(7)));
        assertEquals(200, lenient.status(), lenient.json().toString());
        assertEquals(plain, hitsOf(lenient.json()), "ignore_failure: the request runs as the client sent it");
        assertEquals(List.of("failed"), lenient.header());
        assertEquals(
                lenientBefore[1] + 1,
                processorStats(PIPELINE + "-lenient", "hubness:lenient")[1],
                "still counted as a failure");
    }

    @Test
    void everyBadProcessorConfigIsA400AtPut() {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("{\"bank\":\"" + BANK + "\",\"windowsize\":100}", "unknown parameter [windowsize]");
        bad.put("{\"method\":\"dual_is\"}", "requires [bank]");
        bad.put("{\"bank\":42}", "[bank] must be a string");
        bad.put("{\"bank\":\"" + BANK + "\",\"beta_query\":\"hot\"}", "[beta_query] must be a number");
        bad.put("{\"bank\":\"" + BANK + "\",\"window_size\":\"100\"}", "[window_size] must be a whole number >= 1");
        bad.put("{\"bank\":\"" + BANK + "\",\"window_size\":0}", "[window_size] must be a whole number >= 1");
        bad.put("{\"bank\":\"" + BANK + "\",\"window_size\":-5}", "[window_size] must be a whole number >= 1");
        bad.put("{\"bank\":\"" + BANK + "\",\"method\":\"softmax\"}", "unknown method [softmax]");
        bad.put(
                "{\"bank\":\"" + BANK + "\",\"beta_gallery\":-1}",
                "[beta_gallery] must be a finite number from 1e-6 to 10000");
        bad.put("{\"bank\":\"" + BANK + "\",\"score_mode\":\"sum\"}", "unknown score_mode [sum]");
        bad.put(
                "{\"bank\":\"" + BANK + "\",\"query_vector\":[1,2]}",
                "[query_vector] is taken from each request's knn query");
        bad.put(
                "{\"bank\":\"" + BANK + "\",\"field\":\"embedding\"}",
                "[field] is taken from each request's knn query");
        bad.put("{\"bank\":\"" + BANK + "\",\"ignore_failure\":\"maybe\"}", "ignore_failure");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            LocalCluster.Response r = cluster.put(
                    "/_search/pipeline/pipe-bad", "{\"request_processors\":[{\"hubness\":" + e.getKey() + "}]}");
            assertEquals(400, r.status(), e.getKey() + " answered " + r.status() + ": " + r.body());
            String reason = r.json().path("error").path("reason").asText();
            assertTrue(
                    reason.contains(e.getValue()),
                    e.getKey() + ": reason should say [" + e.getValue() + "]: " + r.body());
        }
        assertEquals(404, cluster.get("/_search/pipeline/pipe-bad").status(), "no bad pipeline was stored");
    }
}

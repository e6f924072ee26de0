package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opensearch.common.SuppressForbidden;

/**
 * Every bad hubness rescore request is answered with HTTP 400 and a message that names the problem, on the real
 * cluster (so the message survives the coordinator, the shard and the REST layer); and explain shows the numbers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressForbidden(
        reason = "JSON text blocks filled by String#formatted with %s of strings only, which no locale changes")
class RescoreBadRequestIT {

    private static final String INDEX = "badreq-gallery";
    private static final String BINARY = "badreq-binary";
    private static final String BANK = "badreq-bank";
    private static final String QONLY = "badreq-qonly";
    private static final String Q = "[0.9, 0.1, 0.2, 0.1]";

    private final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @BeforeAll
    void setUp() {
        tearDown();
        cluster.put("/" + INDEX, """
            {"settings": {"index": {"knn": true, "knn.advanced.approximate_threshold": -1, "number_of_shards": 2, "number_of_replicas": 0}},
             "mappings": {"properties": {
               "embedding": {"type": "knn_vector", "dimension": 4,
                             "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"}},
               "bits": {"type": "knn_vector", "dimension": 32, "data_type": "binary", "space_type": "hamming"},
               "trained": {"type": "knn_vector", "model_id": "badreq-ivf-model"},
               "tag": {"type": "keyword"}}}}
            """).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            double a = i * 0.5;
            bulk.append("{\"index\":{\"_id\":\"d")
                    .append(i)
                    .append("\"}}\n")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"embedding\":[%.4f,%.4f,%.4f,%.4f],\"tag\":\"t%d\"}%n",
                            Math.cos(a),
                            Math.sin(a),
                            0.3 + 0.05 * i,
                            i % 3 == 0 ? 0.8 : 0.1,
                            i));
        }
        cluster.post("/" + INDEX + "/_bulk?refresh=true", bulk.toString()).ok();
        // another index than the bank's gallery (a binary field, empty: its shard refuses the bank before the field)
        cluster.put("/" + BINARY, """
            {"settings": {"index": {"knn": true, "knn.advanced.approximate_threshold": -1, "number_of_shards": 1, "number_of_replicas": 0}},
             "mappings": {"properties": {"embedding": {"type": "knn_vector", "dimension": 32, "data_type": "binary",
               "space_type": "hamming"}}}}
            """).ok();
        cluster.put("/_plugins/_hubness/banks/" + BANK, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"vectors": [[1,0,0,0],[0,1,0,0],[0.7,0.7,0,0],[0.2,0.1,0.9,0.1],[0.5,0.5,0.5,0.5]]},
             "gallery_bank": {"sample": {"size": 6, "seed": 7}}}
            """.formatted(INDEX)).ok();
        cluster.put("/_plugins/_hubness/banks/" + QONLY, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"vectors": [[1,0,0,0],[0,1,0,0],[0.2,0.1,0.9,0.1]]}}
            """.formatted(INDEX)).ok();
    }

    @AfterAll
    void tearDown() {
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        cluster.delete("/_plugins/_hubness/banks/" + QONLY);
        cluster.delete("/" + INDEX);
        cluster.delete("/" + BINARY);
    }

    private static String search(String index, int window, String hubness) {
        return String.format(Locale.ROOT, """
            {"size": 5, "query": {"knn": {"embedding": {"vector": %s, "k": 10}}},
             "rescore": {"window_size": %d, "hubness": %s}}""", Q, window, hubness);
    }

    /** Sends the search and insists on a 400 whose error names every expected fragment. */
    private JsonNode bad(String index, int window, String hubness, String... fragments) {
        LocalCluster.Response r = cluster.post("/" + index + "/_search", search(index, window, hubness));
        assertEquals(400, r.status(), "expected 400 for " + hubness + ", got " + r.status() + ": " + r.body());
        String error = r.json().path("error").toString();
        for (String f : fragments) {
            assertTrue(error.contains(f), "error should name [" + f + "]: " + r.body());
        }
        return r.json();
    }

    @Test
    void unknownBank() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"no-such-bank\", \"query_vector\": " + Q + "}",
                "unknown bank [no-such-bank]",
                "PUT /_plugins/_hubness/banks");
    }

    @Test
    void missingQueryVector() {
        bad(INDEX, 10, "{\"bank\": \"" + BANK + "\"}", "requires [query_vector]");
    }

    @Test
    void missingBank() {
        bad(INDEX, 10, "{\"query_vector\": " + Q + "}", "requires [bank]");
    }

    @Test
    void wrongDimension() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"" + BANK + "\", \"query_vector\": [1, 0, 0]}",
                "[query_vector] has dimension 3",
                "has dimension 4");
    }

    @Test
    void nanInQueryVector() {
        bad(INDEX, 10, "{\"bank\": \"" + BANK + "\", \"query_vector\": [1, \"NaN\", 0, 0]}", "query_vector", "NaN");
    }

    @Test
    void notANumberInQueryVector() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"" + BANK + "\", \"query_vector\": [1, \"abc\", 0, 0]}",
                "element 1 is not a number");
    }

    @Test
    void keywordField() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"field\": \"tag\"}",
                "field [tag]",
                "keyword",
                "not knn_vector");
    }

    @Test
    void missingField() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"field\": \"nope\"}",
                "field [nope] does not exist");
    }

    /**
     * Binary (hamming) and trained-model fields of the bank's own gallery index are refused on the shard with a 400
     * naming the field, its mapping and what works (over the gallery index, so the gallery check passes first).
     */
    @Test
    void binaryAndModelFieldsAreRefused() {
        for (String field : List.of("bits", "trained")) {
            LocalCluster.Response r = cluster.post(
                    "/" + INDEX + "/_search",
                    matchAllSearch(
                            10,
                            "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"field\": \"" + field + "\"}"));
            assertEquals(400, r.status(), r.body());
            String error = r.json().path("error").toString();
            assertTrue(error.contains("field [" + field + "] of index [" + INDEX + "] cannot be used"), r.body());
            assertTrue(
                    error.contains(field.equals("bits") ? "hamming" : "trained k-NN model [badreq-ivf-model]"),
                    r.body());
            assertTrue(error.contains("data_type float or byte") && error.contains("lucene or faiss engine"), r.body());
        }
    }

    /**
     * Another index than the bank's gallery (here the binary one) is a 400 from its shard naming the bank and that
     * index, but not the gallery: the bank's terms and activation sets describe other documents
     * ({@link GallerySearchPathsIT} covers every search path).
     */
    @Test
    void otherIndexThanTheGallery() {
        // match_all: a float knn query would fail on the binary field first
        LocalCluster.Response r = cluster.post(
                "/" + BINARY + "/_search",
                matchAllSearch(
                        10, "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"field\": \"embedding\"}"));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("bank [" + BANK + "] cannot rescore index [" + BINARY + "]"), r.body());
        assertFalse(r.body().contains(INDEX), "the gallery is not named: " + r.body());
    }

    /** A mixed search over the gallery and another index fails as a whole, never as a partial 200. */
    @Test
    void otherIndexInAMixedSearch() {
        LocalCluster.Response r = cluster.post(
                "/" + INDEX + "," + BINARY + "/_search",
                matchAllSearch(10, "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + "}"));
        String body = r.body();
        assertEquals(400, r.status(), body);
        assertTrue(body.contains("cannot rescore index [" + BINARY + "]"), "the other index is named: " + body);
    }

    private static String matchAllSearch(int window, String hubness) {
        return String.format(Locale.ROOT, """
            {"size": 5, "query": {"match_all": {}}, "rescore": {"window_size": %d, "hubness": %s}}""", window, hubness);
    }

    @Test
    void windowAboveMaxRescoreWindow() {
        bad(INDEX, 10_001, "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + "}", "max_rescore_window");
    }

    /** OpenSearch passes any window on (-1 answered 500 negative_array_size_exception): the plugin refuses it. */
    @Test
    void windowBelowOne() {
        for (int window : new int[] {0, -1}) {
            bad(
                    INDEX,
                    window,
                    "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"method\": \"dual_dis\"}",
                    "[window_size] of a [hubness] rescore must be at least 1",
                    "got " + window);
        }
    }

    /** One hubness clause per request: each gated clause would search the gallery for its own top-1. */
    @Test
    void twoHubnessClauses() {
        String clause = "{\"window_size\": 10, \"hubness\": {\"bank\": \"" + BANK + "\", \"query_vector\": " + Q
                + ", \"method\": \"dis\"}}";
        LocalCluster.Response r = cluster.post(
                "/" + INDEX + "/_search",
                "{\"query\": {\"match_all\": {}}, \"rescore\": [" + clause + ", " + clause + "]}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("at most one [hubness] rescore clause, got 2"), r.body());
        // a query rescorer beside one hubness clause is fine
        cluster.post(
                        "/" + INDEX + "/_search",
                        "{\"query\": {\"match_all\": {}}, \"rescore\": [{\"window_size\": 10, \"query\": "
                                + "{\"rescore_query\": {\"match_all\": {}}}}, " + clause + "]}")
                .ok();
    }

    /** β outside [1e-6, 10 000]: 1e-300 made every score tie, 1e308 every score Infinity. */
    @Test
    void betaOutOfRange() {
        for (String beta : List.of("1e-300", "1e-7", "20000", "\"Infinity\"")) {
            bad(
                    INDEX,
                    10,
                    "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"beta_query\": " + beta + "}",
                    "[beta_query] must be a finite number from 1e-6 to 10000");
        }
        LocalCluster.Response put = cluster.put("/_plugins/_hubness/banks/badreq-tiny-beta", """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"vectors": [[1,0,0,0],[0,1,0,0]]}, "beta_gallery": 1e-300}
            """.formatted(INDEX));
        assertEquals(400, put.status(), put.body());
        assertTrue(put.body().contains("[beta_gallery] must be a finite number from 1e-6 to 10000"), put.body());
        assertEquals(
                404, cluster.get("/_plugins/_hubness/banks/badreq-tiny-beta").status());
    }

    @Test
    void unknownMethod() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"method\": \"qbnorm\"}",
                "unknown method [qbnorm]",
                "dual_dis");
    }

    @Test
    void methodWhoseBankIsMissing() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"" + QONLY + "\", \"query_vector\": " + Q + ", \"method\": \"dual_is\"}",
                "method [dual_is] needs a gallery bank",
                "[" + QONLY + "] has none");
    }

    @Test
    void unknownParameter() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"beta\": 3}",
                "unknown parameter [beta]");
    }

    @Test
    void badBeta() {
        bad(
                INDEX,
                10,
                "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"beta_query\": -1}",
                "[beta_query]",
                "from 1e-6 to 10000");
    }

    @Test
    void explainShowsEveryNumber() {
        LocalCluster.Response r = cluster.post(
                        "/" + INDEX + "/_search?explain=true",
                        search(
                                INDEX,
                                10,
                                "{\"bank\": \"" + BANK + "\", \"query_vector\": " + Q + ", \"method\": \"dual_dis\"}"))
                .ok();
        JsonNode bank = cluster.get("/_plugins/_hubness/banks/" + BANK).ok().json();
        JsonNode hits = r.json().path("hits").path("hits");
        assertEquals(5, hits.size(), r.body());
        for (JsonNode hit : hits) {
            JsonNode e = hit.path("_explanation");
            assertEquals(
                    hit.path("_score").floatValue(), e.path("value").floatValue(), 1e-6, "explain value = score: " + e);
            String text = e.toString();
            List<String> missing = new ArrayList<>();
            for (String f : List.of(
                    "final score",
                    "first-pass score",
                    "s(q,g): raw cosine similarity",
                    "Lq(g)",
                    "Lg(g)",
                    "beta_query",
                    "beta_gallery",
                    "gate_query",
                    "gate_gallery",
                    "version",
                    "log-score of method [dual_dis]")) {
                if (!text.contains(f)) missing.add(f);
            }
            assertTrue(missing.isEmpty(), "explain lacks " + missing + ": " + e);
            assertEquals(20.0, number(e, "beta_query"), 0, e.toString());
            assertEquals(3.0, number(e, "beta_gallery"), 0, e.toString());
            double s = number(e, "s(q,g)");
            assertTrue(s >= -1 && s <= 1, "cosine in [-1, 1]: " + s);
            assertTrue(Double.isFinite(number(e, "Lq(g)")) && Double.isFinite(number(e, "Lg(g)")), e.toString());
            long version = (long) number(e, "version");
            assertTrue(
                    bank.toString().contains("\"version\":" + version),
                    "bank version " + version + " is the bank's: " + bank);
        }
    }

    /** The value of the first explanation node (depth-first) whose description starts with or contains the key. */
    private static double number(JsonNode e, String key) {
        if (e.path("description").asText().contains(key)) return e.path("value").asDouble();
        for (JsonNode d : e.path("details")) {
            double v = number(d, key);
            if (!Double.isNaN(v)) return v;
        }
        return Double.NaN;
    }
}

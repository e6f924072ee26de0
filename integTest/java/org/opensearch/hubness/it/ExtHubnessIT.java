package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.norm.Method;

/**
 * {@code ext.hubness} on the real cluster (3 nodes, real k-NN 3.6.0 with its MMR): on 300 Flickr8k/TinyCLIP images (3
 * shards, 1 replica; query bank = captions 500–999, gallery bank = a sample of the gallery) and captions 0–99 as
 * queries, the ext answers exactly (ids and scores) what the explicit {@code hubness} rescore clause answers, for every
 * method, through {@code _search} and {@code _msearch}, and together with k-NN's {@code ext.mmr}. A request's ext wins
 * over the index's default {@code hubness} pipeline; every bad input is a 400 that says what to fix, also when the admin
 * has not switched the ext on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressForbidden(
        reason = "a JSON text block filled by String#formatted with %s of strings only, which no locale changes")
class ExtHubnessIT {

    private static final String GALLERY = "ext-gallery", CAPTIONS = "ext-captions", BANK = "ext-bank";
    private static final String PIPELINE = "ext-default-hubness";
    private static final int QUERIES = 100, K = 100, WINDOW = 100, BATCH = 50;
    /** Every query goes through _msearch; the first of them also one by one through _search (it is the same path). */
    private static final int SINGLE_SEARCHES = 20;

    private static final String MMR = "\"mmr\":{\"diversity\":0.6,\"candidates\":30}";

    private final LocalCluster cluster = LocalCluster.fromSystemProperties();
    private ExtSwitch factories;
    private float[] queries;
    private int d;

    @BeforeAll
    void setUp() {
        CaptionGallery data = CaptionGallery.index(cluster, GALLERY, CAPTIONS);
        d = data.d();
        queries = VectorIndex.rows(
                VectorIndex.read("flickr8k-tinyclip", "text.npy").toFloats(), d, 0, QUERIES);
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        cluster.put("/_plugins/_hubness/banks/" + BANK, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"sample": {"size": 150, "seed": 11}}}
            """.formatted(GALLERY, CAPTIONS))
                .ok();
        factories = ExtSwitch.enable(cluster, ExtSwitch.hubnessAndMmr());
    }

    @AfterAll
    void tearDown() {
        if (factories != null) factories.close();
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        for (String index : List.of(GALLERY, CAPTIONS)) cluster.delete("/" + index);
        cluster.delete("/_search/pipeline/" + PIPELINE);
    }

    // ------------------------------------------------------------------------------------------------ bodies

    private String vector(int q) {
        return VectorIndex.vectorJson(queries, q * d, d);
    }

    private String knn(int q) {
        return "{\"knn\":{\"embedding\":{\"vector\":" + vector(q) + ",\"k\":" + K + "}}}";
    }

    private static String hubnessExt(String method) {
        return "\"hubness\":{\"bank\":\"" + BANK + "\",\"method\":\"" + method + "\",\"window_size\":" + WINDOW + "}";
    }

    /** The request a user writes with the ext; extraExt (e.g. MMR's) goes into the same ext object. */
    private String ext(int q, String method, String extraExt) {
        return "{\"size\":10,\"_source\":false,\"query\":" + knn(q) + ",\"ext\":{" + hubnessExt(method)
                + (extraExt == null ? "" : "," + extraExt) + "}}";
    }

    /** The same request with the explicit clause, the query vector copied into it. */
    private String explicit(int q, String method, String extraExt) {
        return "{\"size\":10,\"_source\":false,\"query\":" + knn(q) + ",\"rescore\":{\"window_size\":" + WINDOW
                + ",\"hubness\":{\"bank\":\"" + BANK + "\",\"query_vector\":" + vector(q) + ",\"method\":\"" + method
                + "\"}}" + (extraExt == null ? "" : ",\"ext\":{" + extraExt + "}") + "}";
    }

    private String plain(int q, String extraExt) {
        return "{\"size\":10,\"_source\":false,\"query\":" + knn(q)
                + (extraExt == null ? "" : ",\"ext\":{" + extraExt + "}") + "}";
    }

    /** "id score" per hit, the score as the float the response carries. */
    private static List<String> hitsOf(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode h : response.path("hits").path("hits"))
            out.add(h.path("_id").asText() + " " + h.path("_score").floatValue());
        return out;
    }

    private static void complete(JsonNode r, String what) {
        assertFalse(r.has("error"), what + " failed: " + r);
        assertEquals(0, r.path("_shards").path("failed").asInt(), what + " had failed shards: " + r);
    }

    private List<List<String>> msearch(String path, IntFunction<String> body) {
        List<List<String>> out = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int q = 0; q < QUERIES; q++) {
            lines.append("{}\n").append(body.apply(q)).append('\n');
            if ((q + 1) % BATCH == 0 || q == QUERIES - 1) {
                for (JsonNode r :
                        cluster.post(path, lines.toString()).ok().json().path("responses")) {
                    complete(r, "_msearch line " + out.size());
                    out.add(hitsOf(r));
                }
                lines.setLength(0);
            }
        }
        assertEquals(QUERIES, out.size());
        return out;
    }

    private List<String> search(String path, String body) {
        JsonNode r = cluster.post(path, body).ok().json();
        complete(r, path);
        return hitsOf(r);
    }

    private static int differing(List<List<String>> a, List<List<String>> b) {
        int n = 0;
        for (int q = 0; q < a.size(); q++) if (!a.get(q).equals(b.get(q))) n++;
        return n;
    }

    private static List<String> methods() {
        List<String> all = new ArrayList<>();
        for (Method m : Method.values()) all.add(m.externalName());
        return all;
    }

    // ------------------------------------------------------------------------------------------------ equal answers

    @Test
    void extAnswersAsTheExplicitClauseForEveryMethodThroughSearchAndMsearch() {
        String path = "/" + GALLERY + "/_msearch";
        List<List<String>> plain = msearch(path, q -> plain(q, null));
        Map<String, Integer> changed = new LinkedHashMap<>();
        for (String method : methods()) {
            List<List<String>> explicit = msearch(path, q -> explicit(q, method, null));
            List<List<String>> viaMsearch = msearch(path, q -> ext(q, method, null));
            for (int q = 0; q < QUERIES; q++) {
                assertEquals(explicit.get(q), viaMsearch.get(q), method + " q" + q + " through _msearch");
                if (q < SINGLE_SEARCHES) {
                    assertEquals(
                            explicit.get(q),
                            search("/" + GALLERY + "/_search", ext(q, method, null)),
                            method + " q" + q + " through _search");
                }
            }
            changed.put(method, differing(plain, viaMsearch));
        }
        System.out.printf(
                Locale.ROOT, "ext.hubness: responses (of %d) that differ from plain knn: %s%n", QUERIES, changed);
        // every method but none maps scores above 1, so none of its responses can equal plain knn's
        for (String method : methods()) {
            if (!method.equals("none")) assertEquals(QUERIES, changed.get(method), method + " rescored every query");
        }
    }

    /**
     * Hubness rescores each shard's window first; MMR then oversamples (its candidates) and re-ranks for diversity on
     * the coordinator, over the rescored scores. The ext pair answers exactly as the explicit clause with ext.mmr.
     */
    @Test
    void extTogetherWithMmrAnswersAsTheExplicitClauseWithMmr() {
        String path = "/" + GALLERY + "/_msearch";
        List<List<String>> mmrOnly = msearch(path, q -> plain(q, MMR));
        Map<String, Integer> changed = new LinkedHashMap<>();
        for (String method : methods()) {
            List<List<String>> explicit = msearch(path, q -> explicit(q, method, MMR));
            List<List<String>> both = msearch(path, q -> ext(q, method, MMR));
            for (int q = 0; q < QUERIES; q++)
                assertEquals(explicit.get(q), both.get(q), method + " with ext.mmr, q" + q);
            changed.put(method, differing(mmrOnly, both));
        }
        System.out.printf(
                Locale.ROOT,
                "ext.hubness + ext.mmr: responses (of %d) that differ from ext.mmr alone: %s%n",
                QUERIES,
                changed);
        for (String method : methods()) {
            if (!method.equals("none")) assertTrue(changed.get(method) > 0, method + " changed what MMR re-ranks");
        }
        for (int q = 0; q < 3; q++) {
            assertEquals(
                    search("/" + GALLERY + "/_search", explicit(q, "dual_is", MMR)),
                    search("/" + GALLERY + "/_search", ext(q, "dual_is", MMR)),
                    "_search with both exts, q" + q);
        }
    }

    // ------------------------------------------------------------------------------------------------ precedence

    /** The index's default pipeline rescores with is; a request's ext asking for dual_dis gets dual_dis. */
    @Test
    void theRequestsExtWinsOverAStoredOrDefaultPipeline() {
        cluster.put(
                        "/_search/pipeline/" + PIPELINE,
                        "{\"request_processors\":[{\"hubness\":{\"bank\":\"" + BANK
                                + "\",\"method\":\"is\",\"window_size\":" + WINDOW + "}}]}")
                .ok();
        cluster.put("/" + GALLERY + "/_settings", "{\"index.search.default_pipeline\":\"" + PIPELINE + "\"}")
                .ok();
        try {
            int differFromThePipelines = 0;
            for (int q = 0; q < 10; q++) {
                List<String> extAnswer = search("/" + GALLERY + "/_search", ext(q, "dual_dis", null));
                assertEquals(
                        search("/" + GALLERY + "/_search?search_pipeline=_none", explicit(q, "dual_dis", null)),
                        extAnswer,
                        "q" + q + ": the ext's method, not the default pipeline's");
                assertEquals(
                        extAnswer,
                        search("/" + GALLERY + "/_search?search_pipeline=" + PIPELINE, ext(q, "dual_dis", null)),
                        "q" + q + ": the ext's method, not the named pipeline's");
                List<String> pipelines = search("/" + GALLERY + "/_search", plain(q, null));
                if (!pipelines.equals(extAnswer)) differFromThePipelines++;
            }
            assertTrue(differFromThePipelines > 0, "is and dual_dis differ on some query, so the test can tell them");
        } finally {
            cluster.put("/" + GALLERY + "/_settings", "{\"index.search.default_pipeline\":null}")
                    .ok();
            cluster.delete("/_search/pipeline/" + PIPELINE);
        }
    }

    // ------------------------------------------------------------------------------------------------ bad input

    @Test
    void everyBadRequestIsA400ThatSaysWhatToFix() {
        String knn = knn(0);
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put(explicit(0, "is", hubnessExt("is")), "keep the clause or the ext");
        bad.put("{\"query\":{\"match_all\":{}},\"ext\":{" + hubnessExt("is") + "}}", "needs a knn query");
        bad.put(
                "{\"query\":" + knn + ",\"sort\":[{\"_id\":\"asc\"}],\"ext\":{" + hubnessExt("is") + "}}",
                "sorted by anything but _score");
        bad.put(
                "{\"query\":{\"knn\":{\"embedding\":{\"vector\":[0.6,0.8],\"k\":5}}},\"ext\":{" + hubnessExt("is")
                        + "}}",
                "has a vector of dimension 2 but bank [" + BANK + "] has dimension");
        String ours = "\"bank\":\"" + BANK + "\",";
        Map<String, String> badExt = new LinkedHashMap<>();
        badExt.put("{\"bank\":\"no-such-bank\"}", "unknown bank [no-such-bank]");
        badExt.put("{\"method\":\"is\"}", "requires [bank]");
        badExt.put("{\"bank\":42}", "[bank] must be a string");
        badExt.put("{" + ours + "\"method\":\"softmax\"}", "unknown method [softmax]");
        badExt.put("{" + ours + "\"window_size\":0}", "[window_size] must be a whole number >= 1");
        badExt.put("{" + ours + "\"beta_query\":-1}", "[beta_query] must be a finite number");
        badExt.put("{" + ours + "\"windowsize\":10}", "unknown parameter [windowsize]");
        badExt.put("{" + ours + "\"method\":null}", "[method] must not be null");
        badExt.put("{" + ours + "\"query_vector\":[1]}", "[query_vector] is taken from the request's knn query");
        badExt.put("\"" + BANK + "\"", "[ext.hubness] must be an object");
        for (Map.Entry<String, String> e : badExt.entrySet())
            bad.put("{\"query\":" + knn + ",\"ext\":{\"hubness\":" + e.getKey() + "}}", e.getValue());
        for (Map.Entry<String, String> e : bad.entrySet())
            refused(cluster.post("/" + GALLERY + "/_search", e.getKey()), e.getValue());

        LocalCluster.Response scroll = cluster.post("/" + GALLERY + "/_search?scroll=1m", ext(0, "is", null));
        refused(scroll, "cannot rescore a scroll");

        // _msearch: each line answers for itself
        String lines = "{}\n" + "{\"query\":" + knn + ",\"ext\":{\"hubness\":{\"bank\":\"no-such-bank\"}}}\n" + "{}\n"
                + ext(0, "is", null) + "\n";
        JsonNode responses =
                cluster.post("/" + GALLERY + "/_msearch", lines).ok().json().path("responses");
        assertEquals(400, responses.get(0).path("status").asInt(), responses.toString());
        assertTrue(responses.get(0).toString().contains("unknown bank [no-such-bank]"), responses.toString());
        complete(responses.get(1), "the good line beside a bad one");
        assertEquals(search("/" + GALLERY + "/_search", explicit(0, "is", null)), hitsOf(responses.get(1)));
    }

    /** Until the admin lists hubness_ext_factory, the ext is refused, never ignored (a 200 of plain knn). */
    @Test
    void theExtIsRefusedUntilTheAdminEnablesIt() {
        factories.set(ExtSwitch.MMR);
        try {
            LocalCluster.Response r = cluster.post("/" + GALLERY + "/_search", ext(0, "is", null));
            refused(r, "[ext.hubness] is not enabled on this cluster");
            assertTrue(r.body().contains(ExtSwitch.HUBNESS) && r.body().contains(ExtSwitch.SETTING), r.body());
        } finally {
            factories.set(ExtSwitch.hubnessAndMmr());
        }
        assertEquals(
                search("/" + GALLERY + "/_search", explicit(0, "is", null)),
                search("/" + GALLERY + "/_search", ext(0, "is", null)),
                "enabled again");
    }

    private static void refused(LocalCluster.Response r, String says) {
        assertEquals(400, r.status(), "expected a 400 saying [" + says + "], got " + r.status() + ": " + r.body());
        assertTrue(r.body().contains(says), "the 400 should say [" + says + "]: " + r.body());
        assertFalse(r.json().has("hits"), "no hits with a 400: " + r.body());
    }
}

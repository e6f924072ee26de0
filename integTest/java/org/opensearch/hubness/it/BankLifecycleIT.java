package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.norm.ActivationSets;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.RetrievalMetrics;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * Banks on the real 3-node cluster with the Flickr8k/TinyCLIP split the tests share: gallery = images 0–499 (3 shards,
 * 1 replica), query bank = captions 500–999, gallery bank = images 500–999.
 */
@SuppressForbidden(
        reason = "JSON text blocks filled by String#formatted with %s of strings only, which no locale changes")
class BankLifecycleIT {

    private static final String DATA = "flickr8k-tinyclip";
    private static final String GALLERY = "bank-it-gallery";
    private static final String CAPTIONS = "bank-it-captions";
    private static final String IMAGES = "bank-it-images";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    private static int d;
    private static float[] gallery;
    private static float[] captionBank;
    private static float[] imageBank;

    @BeforeAll
    static void loadData() {
        LoudSkip.unless(
                VectorIndex.hasData(DATA, "text.npy"),
                "no ../shared/data/" + DATA + ": these ITs check the cluster against it");
        NpyArray text = VectorIndex.read(DATA, "text.npy");
        NpyArray image = VectorIndex.read(DATA, "image.npy");
        d = text.cols();
        gallery = VectorIndex.rows(image.toFloats(), d, 0, 500);
        captionBank = VectorIndex.rows(text.toFloats(), d, 500, 1000);
        imageBank = VectorIndex.rows(image.toFloats(), d, 500, 1000);
        VectorIndex.create(cluster, GALLERY, d, "cosinesimil", 3, 1);
        VectorIndex.load(cluster, GALLERY, gallery, d, i -> "img-" + i);
        VectorIndex.create(cluster, CAPTIONS, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, CAPTIONS, captionBank, d, i -> "cap-" + (500 + i));
        VectorIndex.create(cluster, IMAGES, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, IMAGES, imageBank, d, i -> "img-" + (500 + i));
        cluster.get("/_cluster/health?wait_for_status=green&timeout=60s").ok();
    }

    @AfterAll
    static void dropAll() {
        for (String bank : List.of("terms", "async-bad", "growing", "rebuild", "restart", "failing", "doomed", "dup"))
            cluster.delete(BANKS + bank);
        for (String index :
                List.of(GALLERY, CAPTIONS, IMAGES, "bank-it-temp", "bank-it-growing", "bank-it-empty", "bank-it-text"))
            cluster.delete("/" + index);
    }

    private static String flickrBank() {
        return """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"index": "%s", "field": "embedding"}}
            """.formatted(GALLERY, CAPTIONS, IMAGES);
    }

    @Test
    void everyGalleryDocumentsTermsEqualTheOfflineValues() {
        JsonNode bank = cluster.put(BANKS + "terms", flickrBank()).ok().json();
        assertEquals("ready", bank.path("state").asText(), bank.toString());
        assertEquals(1, bank.path("version").asInt());
        JsonNode build = bank.path("build");
        assertEquals(512, build.path("dimension").asInt());
        assertEquals(500, build.path("gallery_documents").asInt());
        assertEquals(500, build.path("query_bank_size").asInt());
        assertEquals(500, build.path("gallery_bank_size").asInt());

        NormParams p = NormParams.defaults();
        float[] g = gallery.clone();
        float[] qb = captionBank.clone();
        float[] gb = imageBank.clone();
        Similarity.COSINE.prepareRows(g, 500, d);
        Similarity.COSINE.prepareRows(qb, 500, d);
        Similarity.COSINE.prepareRows(gb, 500, d);
        DocTerms offline = DocTermsCalculator.compute(
                Similarity.DOT, g, 500, BankMatrix.of(qb, 500, d), BankMatrix.of(gb, 500, d), p, DotPrecision.DOUBLE);
        assertEquals(
                ActivationSets.compute(g, 500, qb, 500, d, 1, DotPrecision.DOUBLE)
                        .cardinality(),
                build.path("query_activation_size").asInt());
        assertEquals(
                ActivationSets.compute(g, 500, gb, 500, d, 1, DotPrecision.DOUBLE)
                        .cardinality(),
                build.path("gallery_activation_size").asInt());

        // hubness report: N_10 skewness of the query bank ranking the gallery by raw cosine, as the offline metrics say
        double[] raw = new double[500 * 500];
        for (int b = 0; b < 500; b++) for (int j = 0; j < 500; j++) raw[b * 500 + j] = dot(qb, b, g, j);
        double skew = RetrievalMetrics.kOccurrenceSkewness(raw, 500, 500, 10);
        assertEquals(
                skew,
                build.path("hubness")
                        .path("methods")
                        .path("none")
                        .path("n10_skewness")
                        .asDouble(),
                1e-3,
                build.toString());
        assertTrue(
                build.path("hubness")
                                .path("methods")
                                .path("dual_is")
                                .path("n10_skewness")
                                .asDouble()
                        < skew,
                "dual_is must reduce hubness: " + build);

        // every document's Lq and Lg as the shards use them, read through explain over the whole gallery
        JsonNode hits = cluster.post("/" + GALLERY + "/_search", """
            {"size": 500, "explain": true, "_source": false, "query": {"match_all": {}},
             "rescore": {"window_size": 500, "hubness": {"bank": "terms", "method": "dual_is", "query_vector": %s}}}
            """.formatted(VectorIndex.vectorJson(gallery, 0, d)))
                .ok()
                .json()
                .path("hits")
                .path("hits");
        assertEquals(500, hits.size());
        Set<Integer> seen = new HashSet<>();
        for (JsonNode hit : hits) {
            int row = Integer.parseInt(hit.path("_id").asText().substring(4));
            JsonNode lq = Explanations.find(hit.path("_explanation"), "Lq(g)");
            assertNotNull(lq, hit.toString());
            assertTrue(lq.path("description").asText().contains("cache"), "terms come from the node cache: " + lq);
            assertEquals(offline.lq()[row], lq.path("value").asDouble(), 1e-4, "Lq of img-" + row);
            assertEquals(
                    offline.lg()[row], Explanations.value(hit.path("_explanation"), "Lg(g)"), 1e-4, "Lg of img-" + row);
            seen.add(row);
        }
        assertEquals(500, seen.size());

        JsonNode stats = cluster.get("/_plugins/_hubness/stats").ok().json().path("nodes");
        assertEquals(3, stats.size());
        long warmed = 0;
        for (JsonNode node : stats) {
            assertEquals(1, node.path("banks").path("terms").path("version").asInt(), node.toString());
            warmed += node.path("cache").path("hits").asLong();
        }
        assertTrue(warmed > 0, "the install warmed the cache that the searches read: " + stats);
    }

    private static double dot(float[] a, int i, float[] b, int j) {
        double s = 0;
        for (int t = 0; t < d; t++) s += (double) a[i * d + t] * b[j * d + t];
        return s;
    }

    @Test
    void documentsIndexedAfterABuildGetTheirTermsWithoutARebuild() {
        VectorIndex.create(cluster, "bank-it-growing", d, "cosinesimil", 2, 0);
        VectorIndex.load(cluster, "bank-it-growing", VectorIndex.rows(gallery, d, 0, 200), d, i -> "img-" + i);
        cluster.put(
                        BANKS + "growing",
                        "{\"gallery\": {\"index\": \"bank-it-growing\", \"field\": \"embedding\"}, "
                                + "\"query_bank\": {\"index\": \"" + CAPTIONS + "\", \"field\": \"embedding\"}}")
                .ok();
        float[] later = VectorIndex.rows(gallery, d, 200, 300);
        VectorIndex.load(cluster, "bank-it-growing", later, d, i -> "img-" + (200 + i));

        float[] g = VectorIndex.rows(gallery, d, 0, 300);
        float[] qb = captionBank.clone();
        Similarity.COSINE.prepareRows(g, 300, d);
        Similarity.COSINE.prepareRows(qb, 500, d);
        BankMatrix queryBank = BankMatrix.of(qb, 500, d), noGalleryBank = BankMatrix.of(null, 0, d);
        DocTerms offline = DocTermsCalculator.compute(
                Similarity.DOT, g, 300, queryBank, noGalleryBank, NormParams.defaults(), DotPrecision.DOUBLE);
        JsonNode hits = cluster.post("/bank-it-growing/_search", """
            {"size": 300, "explain": true, "_source": false, "query": {"match_all": {}},
             "rescore": {"window_size": 300, "hubness": {"bank": "growing", "method": "is", "query_vector": %s}}}
            """.formatted(VectorIndex.vectorJson(gallery, 0, d)))
                .ok()
                .json()
                .path("hits")
                .path("hits");
        assertEquals(300, hits.size());
        for (JsonNode hit : hits) {
            int row = Integer.parseInt(hit.path("_id").asText().substring(4));
            assertEquals(
                    offline.lq()[row], Explanations.value(hit.path("_explanation"), "Lq(g)"), 1e-4, "Lq of img-" + row);
        }
        assertEquals(
                1, cluster.get(BANKS + "growing").ok().json().path("version").asInt(), "no rebuild happened");
    }

    @Test
    void rebuildWhileSearchingServesOneVersionPerRequest() throws Exception {
        cluster.put(BANKS + "rebuild", flickrBank()).ok();
        String search =
                """
            {"size": 20, "explain": true, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 50}}},
             "rescore": {"window_size": 50, "hubness": {"bank": "rebuild", "method": "dual_dis", "query_vector": %s}}}
            """.formatted(VectorIndex.vectorJson(gallery, 7 * d, d), VectorIndex.vectorJson(gallery, 7 * d, d));
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Set<Integer>> versions = new ConcurrentLinkedQueue<>();
        AtomicInteger loading = new AtomicInteger();
        ExecutorService searchers = Executors.newFixedThreadPool(2);
        for (int t = 0; t < 2; t++) {
            searchers.execute(() -> {
                while (!stop.get()) {
                    LocalCluster.Response r = cluster.post("/" + GALLERY + "/_search", search);
                    if (r.status() == 503 && r.body().contains("is still being loaded on node")) {
                        loading.incrementAndGet(); // the documented retryable answer while a node loads the new version
                        continue;
                    }
                    if (r.status() != 200) {
                        failures.add(r.status() + " " + r.body());
                        continue;
                    }
                    Set<Integer> v = new HashSet<>();
                    for (JsonNode hit : r.json().path("hits").path("hits"))
                        v.add((int) Explanations.value(hit.path("_explanation"), "bank [rebuild] version"));
                    versions.add(v);
                }
            });
        }
        // the rebuild starts once searches are running (some answered with version 1), not after a guessed pause
        awaitVersionSeen(versions, failures, 1);
        JsonNode accepted = cluster.post(BANKS + "rebuild/_rebuild", null).ok().json();
        assertTrue(accepted.path("task").asText().contains(":"), accepted.toString());
        JsonNode bank = null;
        for (int i = 0; i < 120; i++) {
            bank = cluster.get(BANKS + "rebuild").ok().json();
            if (bank.path("version").asInt() == 2
                    && "ready".equals(bank.path("state").asText())) break;
            Thread.sleep(250);
        }
        assertEquals(2, bank.path("version").asInt(), bank.toString());
        // and they stop once some search after the switch answered with version 2, not after a guessed pause
        awaitVersionSeen(versions, failures, 2);
        stop.set(true);
        searchers.shutdown();
        assertTrue(searchers.awaitTermination(60, TimeUnit.SECONDS));
        assertTrue(
                failures.isEmpty(),
                "every search succeeds during a rebuild, or answers the retryable 503 of a node still "
                        + "loading the new version (" + loading.get() + " times): " + failures);
        Set<Integer> all = new HashSet<>();
        for (Set<Integer> v : versions) {
            assertEquals(1, v.size(), "one request, one bank version on every shard: " + v);
            all.addAll(v);
        }
        assertTrue(all.contains(2), "searches after the switch use version 2: " + all);
    }

    /** Polls (at most 60 s) until some search answered with bank version {@code version}, or one failed. */
    private static void awaitVersionSeen(
            ConcurrentLinkedQueue<Set<Integer>> versions, ConcurrentLinkedQueue<String> failures, int version)
            throws InterruptedException {
        for (int i = 0; i < 600 && failures.isEmpty(); i++) {
            for (Set<Integer> v : versions) if (v.contains(version)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no search answered with version " + version + "; failures: " + failures);
    }

    @Test
    void aRestartedNodeHasItsBanksBackWithoutARebuild() throws Exception {
        cluster.put(BANKS + "restart", flickrBank()).ok();
        String nodeId = null;
        for (var e : iterable(
                cluster.get("/_nodes/node-3/_none").ok().json().path("nodes").fieldNames())) nodeId = e;
        assertNotNull(nodeId);
        LocalNodeScript.run("stop-node", "3");
        LocalNodeScript.run("start-node", "3");
        cluster.get("/_cluster/health?wait_for_nodes=3&wait_for_status=green&timeout=120s")
                .ok();
        JsonNode node = null;
        for (int i = 0; i < 60; i++) {
            node = cluster.get("/_plugins/_hubness/stats")
                    .ok()
                    .json()
                    .path("nodes")
                    .path(nodeId);
            if (node.path("banks").has("restart")) break;
            Thread.sleep(500);
        }
        assertEquals(
                1, node.path("banks").path("restart").path("version").asInt(), "bank loaded from the index: " + node);
        assertEquals(
                1, cluster.get(BANKS + "restart").ok().json().path("version").asInt(), "no rebuild happened");
        // node 3 coordinates: it pins the bank version from what it loaded at start-up
        JsonNode hits = cluster.node(3)
                .post("/" + GALLERY + "/_search", """
            {"size": 5, "query": {"knn": {"embedding": {"vector": %s, "k": 20}}},
             "rescore": {"window_size": 20, "hubness": {"bank": "restart", "query_vector": %s}}}
            """.formatted(
                                VectorIndex.vectorJson(gallery, 0, d), VectorIndex.vectorJson(gallery, 0, d)))
                .ok()
                .json()
                .path("hits")
                .path("hits");
        assertEquals("img-0", hits.get(0).path("_id").asText());
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }

    @Test
    void badDefinitionsAreRejectedWithMessagesThatNameTheProblem() {
        VectorIndex.create(cluster, "bank-it-empty", d, "cosinesimil", 1, 0);
        cluster.put("/bank-it-text", "{\"mappings\": {\"properties\": {\"title\": {\"type\": \"keyword\"}}}}")
                .ok();
        String ok = "\"gallery\": {\"index\": \"" + GALLERY + "\", \"field\": \"embedding\"}";
        String qb = "\"query_bank\": {\"index\": \"" + CAPTIONS + "\", \"field\": \"embedding\"}";
        assertBadRequest(
                "{\"gallery\": {\"index\": \"no-such-index\", \"field\": \"embedding\"}, " + qb + "}",
                "no-such-index",
                "does not exist");
        assertBadRequest(
                "{\"gallery\": {\"index\": \"" + GALLERY + "\", \"field\": \"nope\"}, " + qb + "}",
                "[nope]",
                "does not exist");
        assertBadRequest(
                "{\"gallery\": {\"index\": \"bank-it-text\", \"field\": \"title\"}, " + qb + "}",
                "[title]",
                "knn_vector");
        assertBadRequest(
                "{" + ok + ", \"query_bank\": {\"index\": \"no-such-index\", \"field\": \"embedding\"}}",
                "no-such-index",
                "does not exist");
        assertBadRequest("{" + ok + ", \"query_bank\": {\"vectors\": [[1, 2, 3]]}}", "3 dimensions", "512");
        assertBadRequest("{" + ok + ", \"query_bank\": {\"vectors\": []}}", "empty", "query_bank");
        assertBadRequest(
                "{" + ok + ", \"query_bank\": {\"index\": \"bank-it-empty\", \"field\": \"embedding\"}}",
                "empty",
                "bank-it-empty");
        assertBadRequest("{" + ok + ", " + qb + ", \"beta_query\": 0}", "beta_query", "from 1e-6 to 10000");
        assertBadRequest("{" + ok + ", " + qb + ", \"beta_gallery\": -3}", "beta_gallery", "from 1e-6 to 10000");
        assertBadRequest("{" + ok + ", " + qb + ", \"k\": 0}", "[k]", "between 1");
        assertBadRequest("{" + ok + ", " + qb + ", \"colour\": 1}", "colour", "unknown");
        assertBadRequest("{" + ok + "}", "query_bank", "gallery_bank");
        cluster.put(BANKS + "dup", "{" + ok + ", " + qb + "}").ok();
        assertBadRequestFor("dup", "{" + ok + ", " + qb + "}", "already exists", "_rebuild", "dup");
        assertEquals(404, cluster.get(BANKS + "bad-bank").status(), "a rejected definition leaves no bank behind");
    }

    @Test
    void aBackgroundBuildThatFailsLeavesAFailedBankThatSaysWhy() throws Exception {
        JsonNode accepted = cluster.put(
                        BANKS + "async-bad?wait_for_completion=false",
                        "{\"gallery\": {\"index\": \"" + GALLERY
                                + "\", \"field\": \"embedding\"}, \"query_bank\": {\"vectors\": [[1, 2, 3]]}}")
                .ok()
                .json();
        String task = accepted.path("task").asText();
        assertTrue(task.contains(":"), accepted.toString());
        JsonNode outcome = cluster.get("/_tasks/" + task + "?wait_for_completion=true&timeout=60s")
                .ok()
                .json();
        assertTrue(outcome.path("completed").asBoolean(), outcome.toString());
        // the task keeps only where to read the outcome (task results need no more than cluster:monitor/task/get)
        String taskReason = outcome.path("error").path("reason").asText();
        assertTrue(taskReason.contains("GET /_plugins/_hubness/banks/async-bad"), "the task points to GET: " + outcome);
        assertFalse(taskReason.contains("dimensions"), "the task keeps no failure text: " + outcome);
        JsonNode bank = null;
        for (int i = 0; i < 60; i++) {
            LocalCluster.Response r = cluster.get(BANKS + "async-bad");
            assertEquals(200, r.status(), "nobody waited for the 400, so the bank stays to say why: " + r.body());
            bank = r.json();
            if (!"building".equals(bank.path("state").asText())) break;
            Thread.sleep(250);
        }
        assertEquals("failed", bank.path("state").asText(), bank.toString());
        assertTrue(bank.path("failure").path("reason").asText().contains("3 dimensions"), bank.toString());
        assertTrue(bank.path("version").isNull(), "nothing serves: " + bank);
        cluster.delete(BANKS + "async-bad").ok();
        LocalCluster.Response malformed = cluster.put(
                BANKS + "async-bad?wait_for_completion=false",
                "{\"gallery\": {\"index\": \"" + GALLERY
                        + "\", \"field\": \"embedding\"}, \"query_bank\": {\"vectors\": []}}");
        assertEquals(400, malformed.status(), "a malformed definition is refused before the 202: " + malformed.body());
    }

    private static void assertBadRequest(String body, String... fragments) {
        assertBadRequestFor("bad-bank", body, fragments);
    }

    private static void assertBadRequestFor(String name, String body, String... fragments) {
        LocalCluster.Response r = cluster.put(BANKS + name, body);
        assertEquals(400, r.status(), body + " -> " + r.body());
        String reason = r.json().path("error").path("reason").asText();
        for (String f : fragments) assertTrue(reason.contains(f), "message [" + reason + "] names [" + f + "]");
    }

    @Test
    void aFailedRebuildLeavesThePreviousVersionServing() {
        VectorIndex.create(cluster, "bank-it-temp", d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, "bank-it-temp", captionBank, d, i -> "cap-" + i);
        cluster.put(
                        BANKS + "failing",
                        "{\"gallery\": {\"index\": \"" + GALLERY + "\", \"field\": \"embedding\"}, "
                                + "\"query_bank\": {\"index\": \"bank-it-temp\", \"field\": \"embedding\"}}")
                .ok();
        cluster.delete("/bank-it-temp").ok();
        cluster.post(BANKS + "failing/_rebuild?wait_for_completion=true", null);
        JsonNode bank = cluster.get(BANKS + "failing").ok().json();
        assertEquals("failed", bank.path("state").asText(), bank.toString());
        assertEquals(1, bank.path("version").asInt(), "version 1 still serves: " + bank);
        assertTrue(bank.path("failure").path("reason").asText().contains("bank-it-temp"), bank.toString());
        JsonNode hits = cluster.post("/" + GALLERY + "/_search", """
            {"size": 3, "query": {"knn": {"embedding": {"vector": %s, "k": 10}}},
             "rescore": {"window_size": 10, "hubness": {"bank": "failing", "method": "is", "query_vector": %s}}}
            """.formatted(
                                VectorIndex.vectorJson(gallery, 3 * d, d), VectorIndex.vectorJson(gallery, 3 * d, d)))
                .ok()
                .json()
                .path("hits")
                .path("hits");
        assertEquals(3, hits.size());
    }

    @Test
    void deletedBanksAreGoneEverywhere() {
        cluster.put(
                        BANKS + "doomed",
                        "{\"gallery\": {\"index\": \"" + GALLERY + "\", \"field\": \"embedding\"}, "
                                + "\"query_bank\": {\"vectors\": "
                                + VectorIndex.vectorJson(captionBank, 0, d).replaceFirst("^", "[") + "]}}")
                .ok();
        List<String> names = new ArrayList<>();
        for (JsonNode b : cluster.get("/_plugins/_hubness/banks").ok().json().path("banks"))
            names.add(b.path("name").asText());
        assertTrue(names.contains("doomed"), names.toString());
        cluster.post(BANKS + "doomed/_clear_cache", null).ok();
        cluster.delete(BANKS + "doomed").ok();
        assertEquals(404, cluster.get(BANKS + "doomed").status());
        assertEquals(404, cluster.delete(BANKS + "doomed").status());
        for (JsonNode node : cluster.get("/_plugins/_hubness/stats").ok().json().path("nodes")) {
            assertFalse(node.path("banks").has("doomed"), node.toString());
        }
        LocalCluster.Response search = cluster.post("/" + GALLERY + "/_search", """
            {"query": {"knn": {"embedding": {"vector": %s, "k": 10}}},
             "rescore": {"window_size": 10, "hubness": {"bank": "doomed", "query_vector": %s}}}
            """.formatted(
                        VectorIndex.vectorJson(gallery, 0, d), VectorIndex.vectorJson(gallery, 0, d)));
        assertEquals(400, search.status(), search.body());
        assertTrue(search.body().contains("doomed"), search.body());
    }
}

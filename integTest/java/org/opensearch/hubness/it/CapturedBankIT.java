package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.norm.RetrievalMetrics;
import org.opensearch.hubness.testing.LoudSkip;
import org.opensearch.hubness.testing.NumpyOracle;

/**
 * Banks that capture their searches' query vectors ({@code query_bank.captured}) on the real 3-node cluster with
 * flickr8k-tinyclip: a gallery of 300 images on 2 shards, a seed of 100 captions. After a burst of searches at rate 1
 * and the rebuild its policy starts ({@code min_new_queries}: the burst), the bank ranks exactly as the numpy oracle ({@code hubness_oracle.py}) with seed + the
 * searched vectors as its query bank; every search path captures once per request (clause, pipeline, ext, each line
 * of {@code _msearch}, gated and ungated methods); a bank with max_size 50 holds exactly 50 after 200 searches, the
 * tallies count all 200, and DELETE removes every captured document.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class CapturedBankIT {

    private static final String DATA = "flickr8k-tinyclip";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String GALLERY = "captured-gallery", SEED = "captured-seed", PIPELINE = "captured-pipeline";
    private static final int N = 300, SEED_FROM = 500, SEED_ROWS = 100, BURST_FROM = 600, QUERIES = 100;
    /** More than the oracle's own searches capture afterwards, so the policy rebuilds once, from the burst alone. */
    private static final int BURST = QUERIES + 20;

    private static final long WAIT_MILLIS = 120_000;

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @TempDir
    static Path oracleFiles;

    private static int d;
    private static float[] captions, gallery;

    @BeforeAll
    static void indexData() {
        LoudSkip.unless(VectorIndex.hasData(DATA, "text.npy"), "no ../shared/data/" + DATA + " to capture from");
        NpyArray text = VectorIndex.read(DATA, "text.npy");
        d = text.cols();
        captions = text.toFloats();
        gallery = VectorIndex.rows(VectorIndex.read(DATA, "image.npy").toFloats(), d, 0, N);
        VectorIndex.create(cluster, GALLERY, d, "cosinesimil", 2, 0);
        VectorIndex.load(cluster, GALLERY, gallery, d, i -> "img-" + i);
        VectorIndex.create(cluster, SEED, d, "cosinesimil", 1, 0);
        VectorIndex.load(
                cluster, SEED, VectorIndex.rows(captions, d, SEED_FROM, SEED_FROM + SEED_ROWS), d, i -> "cap-" + i);
        cluster.get("/_cluster/health?wait_for_status=green&timeout=60s").ok();
    }

    @AfterAll
    static void dropAll() {
        for (String bank : List.of("captured-rank", "captured-small", "captured-alone")) cluster.delete(BANKS + bank);
        cluster.delete("/_search/pipeline/" + PIPELINE);
        for (String index : List.of(GALLERY, SEED)) cluster.delete("/" + index);
    }

    private static void putBank(String bank, String capture) {
        putBank(bank, capture, "");
    }

    /** {@code more}: further top-level fields of the definition, each with a leading comma. */
    private static void putBank(String bank, String capture, String more) {
        cluster.delete(BANKS + bank);
        cluster.put(BANKS + bank, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding", "captured": %s}%s}
            """.formatted(GALLERY, SEED, capture, more)).ok();
    }

    private static String vector(int caption) {
        return VectorIndex.vectorJson(captions, caption * d, d);
    }

    private static String knn(int caption) {
        return "{\"knn\":{\"embedding\":{\"vector\":" + vector(caption) + ",\"k\":" + N + "}}}";
    }

    /** A search with the explicit clause for caption row {@code caption}. */
    private static String clause(String bank, int caption, String method) {
        return "{\"size\":10,\"_source\":false,\"query\":" + knn(caption) + ",\"rescore\":{\"window_size\":" + N
                + ",\"hubness\":{\"bank\":\"" + bank + "\",\"query_vector\":" + vector(caption) + ",\"method\":\""
                + method + "\"}}}";
    }

    /** Runs every body as one _msearch line (in batches of 50); each answers without error. */
    private static void msearch(List<String> bodies) {
        for (int from = 0; from < bodies.size(); from += 50) {
            StringBuilder sb = new StringBuilder();
            for (String body : bodies.subList(from, Math.min(bodies.size(), from + 50)))
                sb.append("{\"index\":\"")
                        .append(GALLERY)
                        .append("\"}\n")
                        .append(body)
                        .append('\n');
            for (JsonNode r :
                    cluster.post("/_msearch", sb.toString()).ok().json().path("responses"))
                assertTrue(!r.has("error") && r.path("hits").path("hits").size() == 10, r.toString());
        }
    }

    /** Documents of the bank in its storage ({@code kind} null: every kind), after a refresh. */
    private static long stored(String bank, String kind) {
        cluster.post("/.hubness-banks/_refresh", null).ok();
        String filter = "{\"term\":{\"bank\":\"" + bank + "\"}}"
                + (kind == null ? "" : ",{\"term\":{\"kind\":\"" + kind + "\"}}");
        return cluster.post("/.hubness-banks/_count", "{\"query\":{\"bool\":{\"filter\":[" + filter + "]}}}")
                .ok()
                .json()
                .path("count")
                .asLong();
    }

    private static long capturedVectors(String bank) {
        return stored(bank, "captured_vector");
    }

    /** The sum of the bank's capture_batch tallies (the agreed format: kind, bank, count, written_at). */
    private static long tallied(String bank) {
        cluster.post("/.hubness-banks/_refresh", null).ok();
        return cluster.post("/.hubness-banks/_search", """
                {"size": 0, "query": {"bool": {"filter": [{"term": {"bank": "%s"}}, {"term": {"kind": "capture_batch"}},
                  {"range": {"written_at": {"gt": 0}}}]}}, "aggs": {"n": {"sum": {"field": "count"}}}}
                """.formatted(bank))
                .ok()
                .json()
                .path("aggregations")
                .path("n")
                .path("value")
                .asLong();
    }

    /** Polls until {@code value} equals {@code expected}; fails with the last value after the wait. */
    private static void awaitEquals(long expected, LongSupplier value, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS, last = -1;
        while (System.currentTimeMillis() < deadline) {
            last = value.getAsLong();
            if (last == expected) return;
            Thread.sleep(200);
        }
        assertEquals(expected, last, what + " after " + WAIT_MILLIS + " ms");
    }

    /** A capture counter summed over the nodes of GET /_plugins/_hubness/stats. */
    private static long statsSum(String field) {
        long sum = 0;
        for (JsonNode node : cluster.get("/_plugins/_hubness/stats").ok().json().path("nodes"))
            sum += node.path("capture").path(field).asLong();
        return sum;
    }

    private static JsonNode build(String bank) {
        return cluster.get(BANKS + bank).ok().json().path("build");
    }

    @Test
    void aBankRebuiltByItsPolicyRanksAsNumpyWithSeedAndCapturedVectorsAsItsQueryBank() throws Exception {
        LoudSkip.unless(NumpyOracle.available(), NumpyOracle.UNAVAILABLE);
        putBank(
                "captured-rank",
                "{\"rate\": 1, \"max_size\": 1000}",
                ", \"rebuild_policy\": {\"interval\": \"1s\", \"min_new_queries\": " + BURST + "}");
        assertEquals(SEED_ROWS, build("captured-rank").path("query_bank_size").asInt());
        assertEquals(
                0, build("captured-rank").path("query_bank_captured_vectors").asInt());
        long sampledBefore = statsSum("sampled");
        msearch(java.util.stream.IntStream.range(BURST_FROM, BURST_FROM + BURST)
                .mapToObj(c -> clause("captured-rank", c, "is"))
                .toList());
        awaitEquals(BURST, () -> capturedVectors("captured-rank"), "captured vectors of the burst");
        assertTrue(statsSum("sampled") - sampledBefore >= BURST, "every search of the burst was sampled");

        // no _rebuild: the policy sees the burst's vectors counted and starts the build itself
        awaitEquals(2, () -> build("captured-rank").path("version").asLong(), "the version the policy built");
        JsonNode built = build("captured-rank");
        assertEquals("policy", built.path("trigger").asText(), built.toString());
        assertEquals(SEED_ROWS + BURST, built.path("query_bank_size").asInt(), built.toString());
        assertEquals(BURST, built.path("query_bank_captured_vectors").asInt(), built.toString());

        // the oracle's query bank: the seed, then exactly the vectors the burst searched with
        float[] bank = new float[(SEED_ROWS + BURST) * d];
        System.arraycopy(captions, SEED_FROM * d, bank, 0, SEED_ROWS * d);
        System.arraycopy(captions, BURST_FROM * d, bank, SEED_ROWS * d, BURST * d);
        float[] queries = VectorIndex.rows(captions, d, 0, QUERIES);
        NpyArray.writeFloat32(oracleFiles.resolve("queries.npy"), queries, QUERIES, d);
        NpyArray.writeFloat32(oracleFiles.resolve("gallery.npy"), gallery, N, d);
        NpyArray.writeFloat32(oracleFiles.resolve("query_bank.npy"), bank, SEED_ROWS + BURST, d);
        Path out = oracleFiles.resolve("scores");
        NumpyOracle.run(List.of(
                "--queries", oracleFiles.resolve("queries.npy").toString(),
                "--gallery", oracleFiles.resolve("gallery.npy").toString(),
                "--query-bank", oracleFiles.resolve("query_bank.npy").toString(),
                "--methods", "is",
                "--similarity", "cosine",
                "--out-dir", out.toString()));
        double[] scores = NpyArray.readMatrix(out.resolve("score_is.npy")).values();

        List<JsonNode> hits = RescoreOracle.msearch(
                cluster,
                GALLERY,
                null,
                QUERIES,
                q -> RescoreOracle.searchBody("embedding", captions, q, d, N, N, "captured-rank", "is"),
                50);
        RescoreOracle.Outcome o = RescoreOracle.check(
                "captured-rank is",
                hits,
                scores,
                QUERIES,
                N,
                RetrievalMetrics.diagonalTruth(QUERIES),
                id -> Integer.parseInt(id.substring(4)),
                N);
        System.out.println("CapturedBankIT " + o.row());
        assertEquals(List.of(), o.failures, "every rank as the numpy oracle with seed + captured vectors");
        assertTrue(o.recallAgrees(), o.row());
    }

    @Test
    void everySearchPathCapturesOnceAndMaxSizeHoldsAfterMoreSearches() throws Exception {
        String bank = "captured-small";
        putBank(bank, "{\"rate\": 1, \"max_size\": 50}");
        // the clause, ungated (no top-1 search) and gated (dis: the coordinator's top-1 search first)
        cluster.post("/" + GALLERY + "/_search", clause(bank, 0, "is")).ok();
        awaitEquals(1, () -> capturedVectors(bank), "after one search with the clause (2 shards: once per request)");
        cluster.post("/" + GALLERY + "/_search", clause(bank, 1, "dis")).ok();
        awaitEquals(2, () -> capturedVectors(bank), "after a gated search");
        // a search pipeline's processor
        cluster.put(
                        "/_search/pipeline/" + PIPELINE,
                        "{\"request_processors\":[{\"hubness\":{\"bank\":\"" + bank + "\",\"window_size\":" + N
                                + "}}]}")
                .ok();
        cluster.post(
                        "/" + GALLERY + "/_search?search_pipeline=" + PIPELINE,
                        "{\"size\":10,\"_source\":false,\"query\":" + knn(2) + "}")
                .ok();
        awaitEquals(3, () -> capturedVectors(bank), "after a search through the pipeline");
        // ext.hubness
        try (ExtSwitch ignored = ExtSwitch.enable(cluster, List.of(ExtSwitch.HUBNESS))) {
            cluster.post(
                            "/" + GALLERY + "/_search",
                            "{\"size\":10,\"_source\":false,\"query\":" + knn(3) + ",\"ext\":{\"hubness\":{\"bank\":\""
                                    + bank + "\",\"window_size\":" + N + "}}}")
                    .ok();
        }
        awaitEquals(4, () -> capturedVectors(bank), "after a search with ext.hubness");
        // each line of an _msearch
        msearch(List.of(clause(bank, 4, "is"), clause(bank, 5, "is")));
        awaitEquals(6, () -> capturedVectors(bank), "after a two-line _msearch");

        long writtenBefore = statsSum("written");
        msearch(java.util.stream.IntStream.range(6, 200)
                .mapToObj(c -> clause(bank, c, "is"))
                .toList());
        awaitEquals(200, () -> tallied(bank), "the tallies count every vector written");
        awaitEquals(50, () -> capturedVectors(bank), "max_size 50 after 200 searches");
        assertTrue(statsSum("written") - writtenBefore >= 194, "GET stats counts the written vectors");

        cluster.post(BANKS + bank + "/_rebuild?wait_for_completion=true", null).ok();
        assertEquals(50, build(bank).path("query_bank_captured_vectors").asInt());
        assertEquals(SEED_ROWS + 50, build(bank).path("query_bank_size").asInt());

        cluster.delete(BANKS + bank).ok();
        awaitEquals(0, () -> stored(bank, null), "captured vectors and tallies after DELETE");
    }

    @Test
    void aBankOfCapturedVectorsAloneAnswersPlainKnnAndCapturesUntilItHasMinSize() throws Exception {
        String bank = "captured-alone";
        cluster.delete(BANKS + bank);
        String body = """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"captured": {"rate": 1, "max_size": 100, "min_size": 5}}}
            """.formatted(GALLERY);
        LocalCluster.Response put = cluster.put(BANKS + bank, body);
        assertEquals(409, put.status(), put.body());
        assertTrue(put.body().contains("holds 0 captured query vectors but needs 5"), put.body());
        JsonNode waiting = cluster.get(BANKS + bank).ok().json();
        assertTrue(
                waiting.path("build").isMissingNode() || waiting.path("build").isNull(), waiting.toString());

        // searches naming the waiting bank answer what plain knn answers, and capture
        String plain = "{\"size\":10,\"_source\":false,\"query\":" + knn(7) + "}";
        JsonNode knnHits = cluster.post("/" + GALLERY + "/_search", plain)
                .ok()
                .json()
                .path("hits")
                .path("hits");
        for (int c = 7; c < 10; c++) {
            JsonNode hits = cluster.post("/" + GALLERY + "/_search", clause(bank, c, "is"))
                    .ok()
                    .json()
                    .path("hits")
                    .path("hits");
            assertEquals(10, hits.size(), hits.toString());
            if (c == 7) assertEquals(knnHits, hits, "the waiting bank leaves the knn answer as it is");
        }
        awaitEquals(3, () -> capturedVectors(bank), "captured while waiting");

        // the hubness breaker holds the queued copies: with no room the search answers as before, its vector dropped
        long droppedBefore = statsSum("dropped");
        cluster.put("/_cluster/settings", "{\"persistent\": {\"plugins.hubness.breaker.limit\": \"1b\"}}")
                .ok();
        try {
            JsonNode hits = cluster.post("/" + GALLERY + "/_search", clause(bank, 12, "is"))
                    .ok()
                    .json()
                    .path("hits")
                    .path("hits");
            assertEquals(10, hits.size(), hits.toString());
        } finally {
            cluster.put("/_cluster/settings", "{\"persistent\": {\"plugins.hubness.breaker.limit\": null}}")
                    .ok();
        }
        assertEquals(droppedBefore + 1, statsSum("dropped"), "the copy the breaker had no room for, counted");
        assertEquals(3, capturedVectors(bank), "and never written");

        LocalCluster.Response early = cluster.post(BANKS + bank + "/_rebuild", null);
        assertEquals(409, early.status(), early.body());
        assertTrue(early.body().contains("holds 3 captured query vectors but needs 5"), early.body());

        msearch(List.of(clause(bank, 10, "is"), clause(bank, 11, "is")));
        awaitEquals(5, () -> capturedVectors(bank), "captured while waiting");
        cluster.post(BANKS + bank + "/_rebuild?wait_for_completion=true", null).ok();
        JsonNode built = build(bank);
        assertEquals(5, built.path("query_bank_size").asInt(), built.toString());
        assertEquals(5, built.path("query_bank_captured_vectors").asInt(), built.toString());
        cluster.delete(BANKS + bank).ok();
        awaitEquals(0, () -> stored(bank, null), "captured vectors and tallies after DELETE");
    }
}

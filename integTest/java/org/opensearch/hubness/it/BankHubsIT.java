package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.build.DocKeys;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * The hubs API and GET's drift counts on the real 3-node cluster with flickr8k-tinyclip: a gallery of 400 images on 3
 * shards (1 replica, so the build merges shard partials), a query bank from an index of 500 captions and a gallery bank
 * from an index of 200 other images. {@code _hubs} answers, per bank, exactly the N_10 of an independent brute force
 * over the whole gallery (every bank vector's top 10 by a double dot product of the prepared float32 rows, ties to the
 * smaller document key) and its skewness over all 400 documents to 1e-9; explain names a hub's N_10; GET's
 * {@code documents_now} follows indexing and deletes while {@code documents_at_build} stays with the build.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class BankHubsIT {

    private static final String DATA = "flickr8k-tinyclip";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String GALLERY = "hubs-gallery", CAPTIONS = "hubs-captions", IMAGES = "hubs-image-bank";
    private static final String DRIFT_GALLERY = "drift-gallery", DRIFT_CAPTIONS = "drift-captions";
    private static final int N = 400, K = 10;
    /**
     * A list's k-th and (k+1)-th similarities must be further apart than this for float32 (the server's dot products)
     * and double (the oracle's) to pick the same top k; asserted on the data, not assumed (gallery 400 and these banks
     * leave at least 9e-6; 500 images would not, two lists there are within 4e-7).
     */
    private static final double TIE_MARGIN = 1e-6;

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();
    private static int d;
    private static float[] images, captions;

    @BeforeAll
    static void indexData() {
        LoudSkip.unless(VectorIndex.hasData(DATA, "text.npy"), "no ../shared/data/" + DATA + " to build banks from");
        NpyArray text = VectorIndex.read(DATA, "text.npy");
        d = text.cols();
        captions = text.toFloats();
        images = VectorIndex.read(DATA, "image.npy").toFloats();
        VectorIndex.create(cluster, GALLERY, d, "cosinesimil", 3, 1);
        VectorIndex.load(cluster, GALLERY, VectorIndex.rows(images, d, 0, N), d, i -> "img-" + i);
        VectorIndex.create(cluster, CAPTIONS, d, "cosinesimil", 2, 0);
        VectorIndex.load(cluster, CAPTIONS, VectorIndex.rows(captions, d, 500, 1000), d, i -> "cap-" + (500 + i));
        VectorIndex.create(cluster, IMAGES, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, IMAGES, VectorIndex.rows(images, d, 500, 700), d, i -> "img-" + (500 + i));
        cluster.get("/_cluster/health?wait_for_status=green&timeout=60s").ok();
        cluster.put(BANKS + "hubs", """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"index": "%s", "field": "embedding"}}
            """.formatted(GALLERY, CAPTIONS, IMAGES)).ok();
    }

    @AfterAll
    static void dropAll() {
        for (String bank : List.of("hubs", "hubs-k3", "drift")) cluster.delete(BANKS + bank);
        for (String index : List.of(GALLERY, CAPTIONS, IMAGES, DRIFT_GALLERY, DRIFT_CAPTIONS))
            cluster.delete("/" + index);
    }

    /** N_k of every gallery image (index = row), from every bank row's exact top k over the whole gallery. */
    private static int[] oracleCounts(float[] bankRows, int m, int k) {
        float[] g = VectorIndex.rows(images, d, 0, N), b = bankRows.clone();
        Similarity.COSINE.prepareRows(g, N, d);
        Similarity.COSINE.prepareRows(b, m, d);
        long[] keys = IntStream.range(0, N)
                .mapToLong(i -> DocKeys.of("img-" + i, DocKeys.GALLERY_SEED))
                .toArray();
        int[] counts = new int[N];
        for (int r = 0; r < m; r++) {
            double[] s = new double[N];
            for (int i = 0; i < N; i++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += (double) b[r * d + j] * g[i * d + j];
                s[i] = dot;
            }
            Integer[] order = IntStream.range(0, N).boxed().toArray(Integer[]::new);
            java.util.Arrays.sort(
                    order, Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingLong(i -> keys[i]));
            double gap = s[order[k - 1]] - s[order[k]];
            assertTrue(
                    gap > TIE_MARGIN,
                    "bank row " + r + ": its top-" + k + " boundary is a near tie (" + gap
                            + "); float32 and double may disagree there, choose other rows");
            for (int t = 0; t < k; t++) counts[order[t]]++;
        }
        return counts;
    }

    /** Population skewness (scipy.stats.skew, bias=True) over every document, zeros included. */
    private static double skewness(int[] counts) {
        double mean = 0;
        for (int c : counts) mean += c;
        mean /= counts.length;
        double m2 = 0, m3 = 0;
        for (int c : counts) {
            m2 += (c - mean) * (c - mean);
            m3 += (c - mean) * (c - mean) * (c - mean);
        }
        m2 /= counts.length;
        m3 /= counts.length;
        return m3 / Math.pow(m2, 1.5);
    }

    /** "img-i=count" of the documents with N_k >= 1, count descending, ties by _id ascending. */
    private static List<String> expectedHubs(int[] counts) {
        List<Integer> docs = new ArrayList<>();
        for (int i = 0; i < N; i++) if (counts[i] > 0) docs.add(i);
        docs.sort(Comparator.<Integer>comparingInt(i -> -counts[i]).thenComparing(i -> "img-" + i));
        return docs.stream().map(i -> "img-" + i + "=" + counts[i]).toList();
    }

    private static List<String> hubs(JsonNode bank) {
        List<String> out = new ArrayList<>();
        for (JsonNode h : bank.path("hubs"))
            out.add(h.path("_id").asText() + "=" + h.path("count").asInt());
        return out;
    }

    @Test
    void hubsAndSkewnessEqualAnExactOracleOverTheWholeGallery() {
        JsonNode all = cluster.get(BANKS + "hubs/_hubs?size=1000").ok().json();
        System.out.println("BankHubsIT _hubs top 5: query_bank "
                + hubs(all.path("query_bank")).subList(0, 5) + ", gallery_bank "
                + hubs(all.path("gallery_bank")).subList(0, 5));
        assertEquals(1, all.path("version").asInt(), all.toString());
        Map<String, int[]> oracle = new TreeMap<>(Map.of(
                "query_bank", oracleCounts(VectorIndex.rows(captions, d, 500, 1000), 500, K),
                "gallery_bank", oracleCounts(VectorIndex.rows(images, d, 500, 700), 200, K)));
        for (Map.Entry<String, int[]> e : oracle.entrySet()) {
            JsonNode bank = all.path(e.getKey());
            List<String> expected = expectedHubs(e.getValue());
            assertTrue(expected.size() <= 1000, "every document with N_10 >= 1 is listed");
            assertEquals(K, bank.path("k").asInt(), e.getKey());
            assertEquals(N, bank.path("gallery_documents").asInt(), e.getKey());
            assertEquals(expected, hubs(bank), e.getKey() + ": every hub and its count, in order");
            assertEquals(skewness(e.getValue()), bank.path("skewness").asDouble(), 1e-9, e.getKey() + " skewness");
        }
        // size picks the first ones of the same order; 10 without it
        JsonNode three = cluster.get(BANKS + "hubs/_hubs?size=3").ok().json();
        assertEquals(expectedHubs(oracle.get("query_bank")).subList(0, 3), hubs(three.path("query_bank")));
        assertEquals(
                10,
                cluster.get(BANKS + "hubs/_hubs")
                        .ok()
                        .json()
                        .path("gallery_bank")
                        .path("hubs")
                        .size());
    }

    @Test
    void hubKIsTheDefinitionsAndABankWithoutAGalleryBankAnswersOnlyItsQueryBank() {
        cluster.put(BANKS + "hubs-k3", """
            {"gallery": {"index": "%s", "field": "embedding"}, "hub_k": 3,
             "query_bank": {"index": "%s", "field": "embedding"}}
            """.formatted(GALLERY, CAPTIONS)).ok();
        JsonNode answer = cluster.get(BANKS + "hubs-k3/_hubs?size=1000").ok().json();
        assertFalse(answer.has("gallery_bank"), answer.toString());
        int[] counts = oracleCounts(VectorIndex.rows(captions, d, 500, 1000), 500, 3);
        assertEquals(3, answer.path("query_bank").path("k").asInt());
        assertEquals(expectedHubs(counts), hubs(answer.path("query_bank")));
        assertEquals(
                skewness(counts), answer.path("query_bank").path("skewness").asDouble(), 1e-9);
        assertEquals(
                3,
                cluster.get(BANKS + "hubs-k3")
                        .ok()
                        .json()
                        .path("definition")
                        .path("hub_k")
                        .asInt());
    }

    @Test
    void explainNamesTheDocumentsOwnCountWhenItIsAHub() {
        int[] queryCounts = oracleCounts(VectorIndex.rows(captions, d, 500, 1000), 500, K);
        int[] galleryCounts = oracleCounts(VectorIndex.rows(images, d, 500, 700), 200, K);
        JsonNode hits = cluster.post(
                        "/" + GALLERY + "/_search", """
            {"size": %d, "explain": true, "_source": false, "query": {"match_all": {}},
             "rescore": {"window_size": %d, "hubness": {"bank": "hubs", "method": "dual_is", "query_vector": %s}}}
            """.formatted(N, N, VectorIndex.vectorJson(captions, 3 * d, d)))
                .ok()
                .json()
                .path("hits")
                .path("hits");
        assertEquals(N, hits.size());
        int named = 0;
        for (JsonNode hit : hits) {
            String id = hit.path("_id").asText();
            int row = Integer.parseInt(id.substring(4));
            JsonNode q = Explanations.find(hit.path("_explanation"), "N_10(g) in the query bank");
            JsonNode g = Explanations.find(hit.path("_explanation"), "N_10(g) in the gallery bank");
            if (queryCounts[row] > 0) {
                assertEquals(queryCounts[row], q.path("value").asInt(), id);
                named++;
            } else {
                assertNull(q, id + " is no hub of the query bank: " + q);
            }
            if (galleryCounts[row] > 0)
                assertEquals(galleryCounts[row], g.path("value").asInt(), id);
            else assertNull(g, id + " is no hub of the gallery bank: " + g);
        }
        assertTrue(named > 0, "some hit is a hub");
    }

    @Test
    void badRequestsSayWhatToFix() {
        LocalCluster.Response big = cluster.get(BANKS + "hubs/_hubs?size=1001");
        assertEquals(400, big.status(), big.body());
        assertTrue(big.body().contains("between 0 and 1000"), big.body());
        LocalCluster.Response word = cluster.get(BANKS + "hubs/_hubs?size=many");
        assertEquals(400, word.status(), word.body());
        assertTrue(word.body().contains("[size] must be an integer"), word.body());
        LocalCluster.Response missing = cluster.get(BANKS + "no-such-bank/_hubs");
        assertEquals(404, missing.status(), missing.body());
        for (int hubK : new int[] {0, 101}) {
            LocalCluster.Response r = cluster.put(BANKS + "bad-hub-k", """
                {"gallery": {"index": "%s", "field": "embedding"}, "hub_k": %d,
                 "query_bank": {"index": "%s", "field": "embedding"}}
                """.formatted(GALLERY, hubK, CAPTIONS));
            assertEquals(400, r.status(), r.body());
            assertTrue(r.body().contains("[hub_k]") && r.body().contains("between 1 and 100"), r.body());
        }
    }

    private static JsonNode counts(String part) {
        return cluster.get(BANKS + "drift").ok().json().path(part);
    }

    @Test
    void getsDriftCountsFollowIndexingAndDeletes() {
        VectorIndex.create(cluster, DRIFT_GALLERY, d, "cosinesimil", 2, 0);
        VectorIndex.load(cluster, DRIFT_GALLERY, VectorIndex.rows(images, d, 0, 60), d, i -> "img-" + i);
        VectorIndex.create(cluster, DRIFT_CAPTIONS, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, DRIFT_CAPTIONS, VectorIndex.rows(captions, d, 500, 540), d, i -> "cap-" + (500 + i));
        cluster.put(BANKS + "drift", """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"sample": {"size": 20, "seed": 1}}}
            """.formatted(DRIFT_GALLERY, DRIFT_CAPTIONS))
                .ok();
        assertCounts("gallery", DRIFT_GALLERY, 60, 60);
        assertCounts("query_bank", DRIFT_CAPTIONS, 40, 40);
        assertTrue(counts("gallery_bank").isMissingNode(), "a sampled gallery bank is the gallery: no own counts");

        // 25 more images, 5 deleted; 3 more captions, 1 deleted; and a document without the vector, which counts not
        VectorIndex.load(cluster, "drift-gallery", VectorIndex.rows(images, d, 60, 85), d, i -> "img-" + (60 + i));
        for (int i = 0; i < 5; i++)
            cluster.delete("/" + DRIFT_GALLERY + "/_doc/img-" + i).ok();
        cluster.put("/" + DRIFT_GALLERY + "/_doc/no-vector", "{\"title\": \"no embedding\"}")
                .ok();
        VectorIndex.load(cluster, DRIFT_CAPTIONS, VectorIndex.rows(captions, d, 540, 543), d, i -> "cap-" + (540 + i));
        cluster.delete("/" + DRIFT_CAPTIONS + "/_doc/cap-500").ok();
        cluster.post("/" + DRIFT_GALLERY + "," + DRIFT_CAPTIONS + "/_refresh", null)
                .ok();
        assertCounts("gallery", DRIFT_GALLERY, 60, 80);
        assertCounts("query_bank", DRIFT_CAPTIONS, 40, 42);

        // a rebuild catches up
        cluster.post(BANKS + "drift/_rebuild?wait_for_completion=true", null).ok();
        assertEquals(2, cluster.get(BANKS + "drift").ok().json().path("version").asInt());
        assertCounts("gallery", DRIFT_GALLERY, 80, 80);
        assertCounts("query_bank", DRIFT_CAPTIONS, 42, 42);
        assertEquals(
                80,
                cluster.get(BANKS + "drift/_hubs")
                        .ok()
                        .json()
                        .path("query_bank")
                        .path("gallery_documents")
                        .asInt());
    }

    private static void assertCounts(String part, String index, long atBuild, long now) {
        JsonNode c = counts(part);
        assertEquals(index, c.path("index").asText(), part + ": " + c);
        assertEquals(atBuild, c.path("documents_at_build").asLong(), part + " documents_at_build: " + c);
        assertEquals(now, c.path("documents_now").asLong(), part + " documents_now: " + c);
    }
}

package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.testing.LoudSkip;
import org.opensearch.hubness.testing.NumpyOracle;

/**
 * The hubs API and GET's drift counts on the real 3-node cluster with flickr8k-tinyclip: a gallery of 400 images on 3
 * shards (1 replica, so the build merges shard partials), a query bank from an index of 500 captions and a gallery bank
 * from an index of 200 other images. {@code _hubs} answers, per bank, exactly the N_k of the project's independent numpy
 * oracle ({@code hubness_oracle.py --hubs-k}, fed the very float32 rows indexed here) over the whole gallery, and its
 * skewness over all 400 documents to 1e-9; explain names a hub's N_10; GET's {@code documents_now} follows indexing and
 * deletes while {@code documents_at_build} stays with the build.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class BankHubsIT {

    private static final String DATA = "flickr8k-tinyclip";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String GALLERY = "hubs-gallery", CAPTIONS = "hubs-captions", IMAGES = "hubs-image-bank";
    private static final String DRIFT_GALLERY = "drift-gallery", DRIFT_CAPTIONS = "drift-captions";
    private static final List<String> BANK_NAMES = List.of("query_bank", "gallery_bank");
    private static final int N = 400, K = 10;
    /**
     * Every bank vector's k-th and (k+1)-th similarities must be further apart than this for float32 (the server's dot
     * products) and float64 (the oracle's) to pick the same top k, whatever either does with ties; asserted on the
     * oracle's similarities, not assumed (gallery 400 and these banks leave at least 9e-6; 500 images would not, two
     * lists there are within 4e-7).
     */
    private static final double TIE_MARGIN = 1e-6;

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @TempDir
    static Path oracleFiles;

    private static int d;
    private static float[] images, captions;
    /** The oracle's answers by k, each run once (a python3 process over the .npy files in oracleFiles). */
    private static final Map<Integer, Map<String, OracleHubs>> oracleByK = new TreeMap<>();

    /** The _id of gallery row i, as indexed and as the oracle's row i. */
    private static String galleryId(int row) {
        return "img-" + row;
    }

    @BeforeAll
    static void indexData() throws IOException {
        LoudSkip.unless(VectorIndex.hasData(DATA, "text.npy"), "no ../shared/data/" + DATA + " to build banks from");
        NpyArray text = VectorIndex.read(DATA, "text.npy");
        d = text.cols();
        captions = text.toFloats();
        images = VectorIndex.read(DATA, "image.npy").toFloats();
        float[] gallery = VectorIndex.rows(images, d, 0, N);
        float[] queryBank = VectorIndex.rows(captions, d, 500, 1000);
        float[] galleryBank = VectorIndex.rows(images, d, 500, 700);
        // the oracle reads exactly what is indexed: gallery row i is document galleryId(i)
        NpyArray.writeFloat32(oracleFiles.resolve("gallery.npy"), gallery, N, d);
        NpyArray.writeFloat32(oracleFiles.resolve("query_bank.npy"), queryBank, 500, d);
        NpyArray.writeFloat32(oracleFiles.resolve("gallery_bank.npy"), galleryBank, 200, d);
        VectorIndex.create(cluster, GALLERY, d, "cosinesimil", 3, 1);
        VectorIndex.load(cluster, GALLERY, gallery, d, BankHubsIT::galleryId);
        VectorIndex.create(cluster, CAPTIONS, d, "cosinesimil", 2, 0);
        VectorIndex.load(cluster, CAPTIONS, queryBank, d, i -> "cap-" + (500 + i));
        VectorIndex.create(cluster, IMAGES, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, IMAGES, galleryBank, d, i -> "img-" + (500 + i));
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

    /** The numpy oracle's N_k of one bank: a count per gallery row and their population skewness. */
    private record OracleHubs(int[] counts, double skewness) {

        int countOf(String id) {
            for (int row = 0; row < N; row++) if (galleryId(row).equals(id)) return counts[row];
            throw new AssertionError("no gallery document " + id);
        }

        /** "_id=count" of the documents with N_k >= 1, count descending, ties by _id ascending (docs/api.md). */
        List<String> expectedHubs() {
            List<Integer> rows = new ArrayList<>();
            for (int row = 0; row < N; row++) if (counts[row] > 0) rows.add(row);
            rows.sort(Comparator.<Integer>comparingInt(row -> -counts[row]).thenComparing(BankHubsIT::galleryId));
            return rows.stream().map(row -> galleryId(row) + "=" + counts[row]).toList();
        }
    }

    /**
     * Runs the oracle (cosine, as the indices) for both banks at this k, once per k (callers skip loudly first without
     * python3 and numpy). Fails when a bank vector's top-k boundary is a near tie.
     */
    private static Map<String, OracleHubs> oracle(int k) throws IOException, InterruptedException {
        if (oracleByK.containsKey(k)) return oracleByK.get(k);
        Path out = oracleFiles.resolve("hubs-k" + k);
        NumpyOracle.run(List.of(
                "--gallery",
                oracleFiles.resolve("gallery.npy").toString(),
                "--query-bank",
                oracleFiles.resolve("query_bank.npy").toString(),
                "--gallery-bank",
                oracleFiles.resolve("gallery_bank.npy").toString(),
                "--similarity",
                "cosine",
                "--hubs-k",
                Integer.toString(k),
                "--hubs-out",
                out.toString()));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("hubs.json").toFile());
        Map<String, OracleHubs> banks = new TreeMap<>();
        for (String bank : BANK_NAMES) {
            JsonNode s = summary.path(bank);
            double gap = s.path("min_boundary_gap").asDouble();
            System.out.println("BankHubsIT oracle k=" + k + " " + bank + ": " + s);
            assertTrue(
                    gap > TIE_MARGIN,
                    bank + ": a top-" + k + " boundary is a near tie (" + gap
                            + "); float32 and float64 may disagree there, choose other rows");
            assertTrue(s.path("skewness").isNumber(), bank + ": these counts are not all equal: " + s);
            NpyArray counts = NpyArray.read(out.resolve("hubs_" + bank + ".npy"));
            assertEquals(N, counts.rows(), bank + ": one count per gallery row");
            int[] c = Arrays.stream(counts.values()).mapToInt(v -> (int) v).toArray();
            banks.put(bank, new OracleHubs(c, s.path("skewness").asDouble()));
        }
        oracleByK.put(k, banks);
        return banks;
    }

    private static List<String> hubs(JsonNode bank) {
        List<String> out = new ArrayList<>();
        for (JsonNode h : bank.path("hubs"))
            out.add(h.path("_id").asText() + "=" + h.path("count").asInt());
        return out;
    }

    /** One bank of a _hubs?size=1000 answer against the oracle: every hub, its count and place, and the skewness. */
    private static void assertEqualsOracle(OracleHubs expected, JsonNode bank, int k, int bankVectors, String label) {
        List<String> hubs = expected.expectedHubs();
        assertTrue(hubs.size() <= 1000, label + ": every document with N_k >= 1 fits in one answer");
        assertEquals(k, bank.path("k").asInt(), label);
        assertEquals(N, bank.path("gallery_documents").asInt(), label);
        assertEquals(hubs, hubs(bank), label + ": every hub and its count, in order");
        int listed = 0;
        for (JsonNode h : bank.path("hubs")) listed += h.path("count").asInt();
        assertEquals(bankVectors * k, listed, label + ": every bank vector's top k is in the listed counts");
        assertEquals(expected.skewness(), bank.path("skewness").asDouble(), 1e-9, label + " skewness");
    }

    @Test
    void hubsAndSkewnessEqualTheNumpyOracleOverTheWholeGallery() throws Exception {
        LoudSkip.unless(NumpyOracle.available(), NumpyOracle.UNAVAILABLE);
        JsonNode all = cluster.get(BANKS + "hubs/_hubs?size=1000").ok().json();
        System.out.println("BankHubsIT _hubs top 5: query_bank "
                + hubs(all.path("query_bank")).subList(0, 5) + ", gallery_bank "
                + hubs(all.path("gallery_bank")).subList(0, 5));
        assertEquals(1, all.path("version").asInt(), all.toString());
        Map<String, OracleHubs> oracle = oracle(K);
        assertEqualsOracle(oracle.get("query_bank"), all.path("query_bank"), K, 500, "query_bank");
        assertEqualsOracle(oracle.get("gallery_bank"), all.path("gallery_bank"), K, 200, "gallery_bank");
        // size picks the first ones of the same order; 10 without it
        JsonNode three = cluster.get(BANKS + "hubs/_hubs?size=3").ok().json();
        assertEquals(oracle.get("query_bank").expectedHubs().subList(0, 3), hubs(three.path("query_bank")));
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
    void hubKIsTheDefinitionsAndABankWithoutAGalleryBankAnswersOnlyItsQueryBank() throws Exception {
        LoudSkip.unless(NumpyOracle.available(), NumpyOracle.UNAVAILABLE);
        cluster.put(BANKS + "hubs-k3", """
            {"gallery": {"index": "%s", "field": "embedding"}, "hub_k": 3,
             "query_bank": {"index": "%s", "field": "embedding"}}
            """.formatted(GALLERY, CAPTIONS)).ok();
        JsonNode answer = cluster.get(BANKS + "hubs-k3/_hubs?size=1000").ok().json();
        assertFalse(answer.has("gallery_bank"), answer.toString());
        assertEqualsOracle(oracle(3).get("query_bank"), answer.path("query_bank"), 3, 500, "hubs-k3 query_bank");
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
    void explainNamesTheDocumentsOwnCountWhenItIsAHub() throws Exception {
        LoudSkip.unless(NumpyOracle.available(), NumpyOracle.UNAVAILABLE);
        OracleHubs queryBank = oracle(K).get("query_bank"),
                galleryBank = oracle(K).get("gallery_bank");
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
            JsonNode q = Explanations.find(hit.path("_explanation"), "N_10(g) in the query bank");
            JsonNode g = Explanations.find(hit.path("_explanation"), "N_10(g) in the gallery bank");
            if (queryBank.countOf(id) > 0) {
                assertEquals(queryBank.countOf(id), q.path("value").asInt(), id);
                named++;
            } else {
                assertNull(q, id + " is no hub of the query bank: " + q);
            }
            if (galleryBank.countOf(id) > 0)
                assertEquals(galleryBank.countOf(id), g.path("value").asInt(), id);
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

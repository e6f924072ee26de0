package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.OfflineScorer;
import org.opensearch.hubness.norm.RetrievalMetrics;
import org.opensearch.hubness.norm.ScoringInputs;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * The rescorer on the real cluster agrees with the offline evaluator, whatever the shard layout.
 *
 * <p>flickr8k-tinyclip (text rows 0–499 → image rows 0–499; query bank = text rows 500–999, gallery bank = image rows
 * 500–999, each in its own index; bank defaults βq=20, βg=3, k=1): for every method, every query's top 10 from the
 * search response has the oracle's order (ties aside, see {@link RescoreOracle}) and the oracle's scores, and R@1/5/10
 * from the responses equal the offline numbers — on 1 shard, on 5 shards spread over the 3 nodes, and on 5 shards with
 * 1 replica, searched once with {@code preference=_primary} and once with {@code _replica} so both copies answer.
 * knn k = window = 500 = the whole gallery, so every shard rescores all of its documents (index.max_rescore_window is
 * 10 000 by default).
 *
 * <p>bli-es-en-word2vec (es→en, 2274 test queries, 6637 English words, query bank = the 2500 other Spanish words, βq=10):
 * 5 shards, methods none, is, dis, csls, nnn. knn k = window = 6637 (the whole gallery; below the 10 000 caps of k-NN's k
 * and of index.max_rescore_window), so the oracle is the full-gallery ranking, not a window-restricted one.
 */
@SuppressForbidden(
        reason = "JSON text blocks filled by String#formatted with %s of strings only, which no locale changes")
class RescoreShardLayoutIT {

    private static final String FLICKR = "flickr8k-tinyclip";
    private static final String BLI = "bli-es-en-word2vec";
    private static final int BATCH = 50;

    private final LocalCluster cluster = LocalCluster.fromSystemProperties();

    private record Layout(String name, int shards, int replicas, List<String> preferences) {}

    @Test
    void flickrEveryMethodEveryLayoutMatchesOffline() throws IOException {
        LoudSkip.unless(
                VectorIndex.hasData(FLICKR, "text.npy"), "no " + FLICKR + " data to compare the shard layouts on");
        NpyArray textArr = VectorIndex.read(FLICKR, "text.npy");
        float[] text = textArr.toFloats();
        float[] image = VectorIndex.read(FLICKR, "image.npy").toFloats();
        int d = textArr.cols();
        int n = 500;
        float[] queries = VectorIndex.rows(text, d, 0, n);
        float[] gallery = VectorIndex.rows(image, d, 0, n);
        float[] queryBank = VectorIndex.rows(text, d, 500, 1000);
        float[] galleryBank = VectorIndex.rows(image, d, 500, 1000);

        // the oracle, on the same float32 rows the server sees, prepared the way the server prepares them
        OfflineScorer oracle = new OfflineScorer(new ScoringInputs(
                Similarity.DOT,
                prepared(queries, n, d),
                n,
                prepared(gallery, n, d),
                n,
                prepared(queryBank, 500, d),
                500,
                prepared(galleryBank, 500, d),
                500,
                d));
        int[][] truth = RetrievalMetrics.diagonalTruth(n);
        NormParams params = NormParams.defaults();
        Map<Method, double[]> offline = new LinkedHashMap<>();
        for (Method m : Method.values()) offline.put(m, oracle.scores(m, params));

        VectorIndex.create(cluster, "flickr-qbank", d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, "flickr-qbank", queryBank, d, i -> "txt-" + (500 + i));
        VectorIndex.create(cluster, "flickr-gbank", d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, "flickr-gbank", galleryBank, d, i -> "img-" + (500 + i));

        List<Layout> layouts = List.of(
                new Layout("1 shard", 1, 0, List.of("_local")),
                new Layout("5 shards", 5, 0, List.of("_local")),
                new Layout("5 shards + 1 replica", 5, 1, List.of("_primary", "_replica")));
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, List<JsonNode>> byLayout = new HashMap<>();
        try {
            for (Layout layout : layouts) {
                String index = "flickr-gallery-s" + layout.shards() + "r" + layout.replicas();
                String bank = index + "-bank";
                VectorIndex.create(cluster, index, d, "cosinesimil", layout.shards(), layout.replicas());
                VectorIndex.load(cluster, index, gallery, d, i -> "img-" + i);
                cluster.get("/_cluster/health/" + index + "?wait_for_status=green&timeout=60s")
                        .ok();
                assertShardSpread(index, layout);
                cluster.delete("/_plugins/_hubness/banks/" + bank);
                JsonNode built = cluster.put("/_plugins/_hubness/banks/" + bank, """
                    {"gallery": {"index": "%s", "field": "embedding"},
                     "query_bank": {"index": "flickr-qbank", "field": "embedding"},
                     "gallery_bank": {"index": "flickr-gbank", "field": "embedding"}}
                    """.formatted(index))
                        .ok()
                        .json();
                report.add(layout.name() + ": bank " + bank + " " + built.path("state") + " " + built.path("build"));
                for (Variant v : variants()) {
                    Method m = v.method();
                    for (String pref : layout.preferences()) {
                        long t0 = System.nanoTime();
                        List<JsonNode> hits = RescoreOracle.msearch(
                                cluster,
                                index,
                                pref,
                                n,
                                q -> RescoreOracle.searchBody(
                                        "embedding", queries, q, d, 500, 500, bank, m.externalName(), v.top1()),
                                BATCH);
                        RescoreOracle.Outcome o = RescoreOracle.check(
                                layout.name() + " " + pref + " " + v,
                                hits,
                                offline.get(m),
                                n,
                                n,
                                truth,
                                id -> Integer.parseInt(id.substring(4)),
                                n);
                        report.add(o.row()
                                + String.format(Locale.ROOT, "  [%d ms]", (System.nanoTime() - t0) / 1_000_000));
                        failures.addAll(
                                o.failures.stream().map(f -> o.label + ": " + f).toList());
                        byLayout.put(layout.name() + "/" + pref + "/" + v, hits);
                    }
                }
                cluster.delete("/_plugins/_hubness/banks/" + bank);
                cluster.delete("/" + index);
            }
        } finally {
            report.forEach(System.out::println);
            cluster.delete("/flickr-qbank");
            cluster.delete("/flickr-gbank");
        }
        // never dependent on the layout: the same ids with the same scores (float) in every layout and copy, for either
        // top1
        String reference =
                layouts.get(0).name() + "/" + layouts.get(0).preferences().get(0) + "/";
        for (Variant m : variants()) {
            List<JsonNode> ref = byLayout.get(reference + m);
            for (Map.Entry<String, List<JsonNode>> e : byLayout.entrySet()) {
                if (!e.getKey().endsWith("/" + m) || e.getKey().startsWith(reference)) continue;
                for (int q = 0; q < n; q++) {
                    String a = scoresOf(ref.get(q)), b = scoresOf(e.getValue().get(q));
                    if (!a.equals(b) && failures.size() < 200) {
                        failures.add(m + " q" + q + ": scores differ between " + reference + " " + a + " and "
                                + e.getKey() + " " + b);
                    }
                }
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " disagreements, first ones:\n"
                        + String.join("\n", failures.subList(0, Math.min(30, failures.size()))));
    }

    /** A method, and for the gated ones how t(q) is found: the default (the engine's k=1 knn) or top1: exact. */
    private record Variant(Method method, String top1) {
        @Override
        public String toString() {
            return method.externalName() + (top1 == null ? "" : " top1=" + top1);
        }
    }

    /**
     * Every method with the default top-1; the gated ones also with {@code top1: exact}. The oracle's gates come from
     * the exact top-1; on these galleries (at most 500 documents, HNSW searched with ef_search 100 candidates) the
     * engine's top-1 must be the same document, so both variants must match it.
     */
    private static List<Variant> variants() {
        List<Variant> out = new ArrayList<>();
        for (Method m : Method.values()) out.add(new Variant(m, null));
        for (Method m : Method.values()) if (m.isGated()) out.add(new Variant(m, "exact"));
        return out;
    }

    /** The knn scores the float responses carry, as a list: equal in every layout for the same method and query. */
    private static String scoresOf(JsonNode hits) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode h : hits.path("hits"))
            sb.append(h.path("_score").floatValue()).append(' ');
        return sb.toString();
    }

    private void assertShardSpread(String index, Layout layout) {
        JsonNode shards =
                cluster.get("/_cat/shards/" + index + "?format=json").ok().json();
        Set<String> nodes = new HashSet<>();
        int started = 0;
        for (JsonNode s : shards) {
            if ("STARTED".equals(s.path("state").asText())) started++;
            nodes.add(s.path("node").asText());
        }
        assertEquals(layout.shards() * (1 + layout.replicas()), started, "all copies started: " + shards);
        if (layout.shards() > 1) {
            int clusterNodes =
                    cluster.get("/_cat/nodes?format=json").ok().json().size();
            assertEquals(clusterNodes, nodes.size(), index + " spread over every node: " + shards);
        }
    }

    private static float[] prepared(float[] rows, int n, int d) {
        float[] copy = rows.clone();
        Similarity.COSINE.prepareRows(copy, n, d);
        return copy;
    }

    // ---------------------------------------------------------------- bli es→en

    @Test
    void bliEsEnFiveShardsMatchesOffline() throws IOException {
        LoudSkip.unless(
                VectorIndex.hasData(BLI, "es_vectors.npy"), "no " + BLI + " data to compare the shard layouts on");
        NpyArray esArr = VectorIndex.read(BLI, "es_vectors.npy");
        NpyArray enArr = VectorIndex.read(BLI, "en_vectors.npy");
        NpyArray wArr = VectorIndex.read(BLI, "W_es2en_procrustes.npy");
        int d = esArr.cols();
        int nes = esArr.rows(), nen = enArr.rows();
        double[] es = prep(esArr.values(), nes, d);
        double[] en = prep(enArr.values(), nen, d);
        double[] w = wArr.values();
        float[] mappedEs = new float[nes * d];
        for (int i = 0; i < nes; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) sum += es[i * d + k] * w[k * d + j];
                mappedEs[i * d + j] = (float) sum;
            }
        }
        float[] gallery = new float[nen * d];
        for (int i = 0; i < gallery.length; i++) gallery[i] = (float) en[i];

        List<String> esWords =
                Files.readAllLines(VectorIndex.dataDir(BLI).resolve("es_words.txt"), StandardCharsets.UTF_8);
        List<String> enWords =
                Files.readAllLines(VectorIndex.dataDir(BLI).resolve("en_words.txt"), StandardCharsets.UTF_8);
        Map<String, Integer> esRow = index(esWords), enRow = index(enWords);
        Map<Integer, List<Integer>> answers = new LinkedHashMap<>();
        for (String line :
                Files.readAllLines(VectorIndex.dataDir(BLI).resolve("dict_test_es_en.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            String[] p = line.split("\t");
            answers.computeIfAbsent(esRow.get(p[0]), x -> new ArrayList<>()).add(enRow.get(p[1]));
        }
        int nq = answers.size();
        assertEquals(2274, nq, "test Spanish words");
        int[] testRows = answers.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[][] truth = answers.values().stream()
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        Set<Integer> test = answers.keySet();
        List<Integer> bankRows = new ArrayList<>();
        for (int i = 0; i < nes; i++) if (!test.contains(i)) bankRows.add(i);
        assertEquals(2500, bankRows.size(), "query bank = the Spanish words not in the test set");
        float[] queries = new float[nq * d];
        for (int q = 0; q < nq; q++) System.arraycopy(mappedEs, testRows[q] * d, queries, q * d, d);
        float[] queryBank = new float[bankRows.size() * d];
        for (int b = 0; b < bankRows.size(); b++) System.arraycopy(mappedEs, bankRows.get(b) * d, queryBank, b * d, d);

        OfflineScorer oracle = new OfflineScorer(new ScoringInputs(
                Similarity.DOT,
                prepared(queries, nq, d),
                nq,
                prepared(gallery, nen, d),
                nen,
                prepared(queryBank, bankRows.size(), d),
                bankRows.size(),
                null,
                0,
                d));
        NormParams params = NormParams.defaults().withBetaQuery(10);
        List<Method> methods = List.of(Method.NONE, Method.IS, Method.DIS, Method.CSLS, Method.NNN);
        Map<Method, double[]> offline = new LinkedHashMap<>();
        for (Method m : methods) offline.put(m, oracle.scores(m, params));
        // the README's numbers first (own numpy code there): raw R@1 75.2, IS β=10 R@1 78.1, DIS 77.7, CSLS 78.1
        RetrievalMetrics.Summary raw = RetrievalMetrics.evaluate(offline.get(Method.NONE), nq, nen, truth, 10);
        assertEquals(75.2, raw.r1(), 0.051, "raw R@1");
        assertEquals(86.1, raw.r5(), 0.051, "raw R@5");
        assertEquals(89.7, raw.r10(), 0.051, "raw R@10");
        assertEquals(
                78.1,
                RetrievalMetrics.evaluate(offline.get(Method.IS), nq, nen, truth, 10)
                        .r1(),
                0.051,
                "IS β=10 R@1");
        assertEquals(
                77.7,
                RetrievalMetrics.evaluate(offline.get(Method.DIS), nq, nen, truth, 10)
                        .r1(),
                0.051,
                "DIS β=10 R@1");
        assertEquals(
                78.1,
                RetrievalMetrics.evaluate(offline.get(Method.CSLS), nq, nen, truth, 10)
                        .r1(),
                0.051,
                "CSLS k=10 R@1");

        String index = "bli-en-s5", bankIndex = "bli-es-bank", bank = "bli-es-en";
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            VectorIndex.create(cluster, index, d, "cosinesimil", 5, 0);
            VectorIndex.load(cluster, index, gallery, d, i -> "en-" + i);
            VectorIndex.create(cluster, bankIndex, d, "cosinesimil", 1, 0);
            VectorIndex.load(cluster, bankIndex, queryBank, d, i -> "es-" + bankRows.get(i));
            cluster.get("/_cluster/health/" + index + "?wait_for_status=green&timeout=60s")
                    .ok();
            assertShardSpread(index, new Layout("5 shards", 5, 0, List.of()));
            JsonNode maxWindow = cluster.get(
                            "/" + index + "/_settings?include_defaults=true&filter_path=**.max_rescore_window")
                    .ok()
                    .json();
            report.add("index.max_rescore_window: " + maxWindow);
            cluster.delete("/_plugins/_hubness/banks/" + bank);
            JsonNode built = cluster.put("/_plugins/_hubness/banks/" + bank, """
                {"gallery": {"index": "%s", "field": "embedding"},
                 "query_bank": {"index": "%s", "field": "embedding"}, "beta_query": 10}
                """.formatted(index, bankIndex))
                    .ok()
                    .json();
            report.add("bank " + bank + " " + built.path("state") + " " + built.path("build"));
            for (Method m : methods) {
                long t0 = System.nanoTime();
                List<JsonNode> hits = RescoreOracle.msearch(
                        cluster,
                        index,
                        null,
                        nq,
                        q -> RescoreOracle.searchBody("embedding", queries, q, d, nen, nen, bank, m.externalName()),
                        BATCH);
                RescoreOracle.Outcome o = RescoreOracle.check(
                        "bli 5 shards " + m.externalName(),
                        hits,
                        offline.get(m),
                        nq,
                        nen,
                        truth,
                        id -> Integer.parseInt(id.substring(3)),
                        nen);
                report.add(o.row() + String.format(Locale.ROOT, "  [%d ms]", (System.nanoTime() - t0) / 1_000_000));
                failures.addAll(o.failures.stream().map(f -> o.label + ": " + f).toList());
            }
        } finally {
            report.forEach(System.out::println);
            cluster.delete("/_plugins/_hubness/banks/" + bank);
            cluster.delete("/" + index);
            cluster.delete("/" + bankIndex);
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " disagreements, first ones:\n"
                        + String.join("\n", failures.subList(0, Math.min(30, failures.size()))));
    }

    /** README preprocessing over a language's full vocabulary: L2-normalise rows, subtract the column mean, L2-normalise. */
    private static double[] prep(double[] x, int n, int d) {
        double[] out = x.clone();
        normaliseRows(out, n, d);
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += out[i * d + j];
            mean /= n;
            for (int i = 0; i < n; i++) out[i * d + j] -= mean;
        }
        normaliseRows(out, n, d);
        return out;
    }

    private static void normaliseRows(double[] x, int n, int d) {
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) sq += x[i * d + j] * x[i * d + j];
            double norm = Math.sqrt(sq);
            for (int j = 0; j < d; j++) x[i * d + j] /= norm;
        }
    }

    private static Map<String, Integer> index(List<String> words) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < words.size(); i++) m.putIfAbsent(words.get(i), i);
        return m;
    }
}

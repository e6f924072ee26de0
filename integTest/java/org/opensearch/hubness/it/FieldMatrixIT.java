package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
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
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.OfflineScorer;
import org.opensearch.hubness.norm.RetrievalMetrics;
import org.opensearch.hubness.norm.ScoringInputs;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.testdata.ByteQuantiser;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * Every kind of knn_vector field k-NN 3.6 creates here, rescored on the real cluster and checked against the offline
 * scorer: engine (faiss, lucene, index.knn: false) × data_type (float, byte) × space (cosinesimil, innerproduct, l2) ×
 * method/mode (hnsw, sq encoders, on_disk compression levels). faiss indices use
 * {@code "index.knn.advanced.approximate_threshold": -1}: the k-NN zip here has no native libraries, so k-NN answers by
 * exact search and never builds the graph.
 *
 * <p>flickr8k-tinyclip: queries = text rows 0–99, gallery = image rows 0–199 (correct item on the diagonal), query bank
 * = text rows 500–999 and gallery bank = image rows 500–999 in indices of their own, bank defaults. knn k = window =
 * 200 = the whole gallery (index.knn: false fields, which k-NN does not search with {@code knn}, take match_all), so
 * the offline scorer's full ranking is the reference. Byte fields hold the same vectors
 * quantised with one scale ({@link ByteQuantiser}); the oracle scores those integers. Per case and method: the top 10
 * of every query in the oracle's order (ties aside, {@link RescoreOracle}), its scores, and R@1/5/10 equal to the
 * offline numbers; the gated methods find t(q) with the default (the engine's k = 1 knn; index.knn: false fields get the
 * exact one), except on fields with an sq encoder, which ask for {@code top1: exact} (their engine ranks by quantised
 * scores). Then: a faiss field mapped as k-NN's docs show gives the lucene field's top 10 for every method; a
 * faiss index written in several segments rescores identically after a force-merge and after its node restarts; binary
 * and trained-model fields are refused with a 400.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressForbidden(
        reason = "JSON text blocks filled by String#formatted with %s of strings only, which no locale changes")
class FieldMatrixIT {

    private static final String FLICKR = "flickr8k-tinyclip";
    private static final String PREFIX = "matrix-";
    private static final int NQ = 100;
    private static final int N = 200;
    private static final int BANK = 500;
    private static final int BATCH = 50;
    private static final String EXACT_FAISS = "\"knn.advanced.approximate_threshold\": -1";

    /** One gallery index: its knn_vector mapping and index settings. */
    private record Case(String name, boolean bytes, Similarity similarity, String settings, String field) {
        String index() {
            return PREFIX + name;
        }
    }

    private final LocalCluster cluster = LocalCluster.fromSystemProperties();
    private int d;
    private final Map<Boolean, float[][]> rows = new LinkedHashMap<>(); // bytes? -> q, g, bq, bg
    private final Map<String, Map<Method, double[]>> oracles = new LinkedHashMap<>();
    private final Map<String, Map<Method, List<JsonNode>>> responses = new LinkedHashMap<>();
    private final List<String> report = new ArrayList<>();

    private static Case faiss(String name, boolean bytes, Similarity sim, String field) {
        return new Case(name, bytes, sim, "\"knn\": true, " + EXACT_FAISS, field);
    }

    private static Case lucene(String name, boolean bytes, Similarity sim, String field) {
        return new Case(name, bytes, sim, "\"knn\": true", field);
    }

    private static String space(Similarity sim) {
        return switch (sim) {
            case COSINE -> "cosinesimil";
            case DOT -> "innerproduct";
            case L2 -> "l2";
        };
    }

    private static String method(String engine, Similarity sim, String dataType, String parameters) {
        return "{\"type\": \"knn_vector\", \"dimension\": %d"
                + (dataType == null ? "" : ", \"data_type\": \"" + dataType + "\"")
                + ", \"method\": {\"name\": \"hnsw\", \"engine\": \"" + engine + "\", \"space_type\": \"" + space(sim)
                + "\""
                + (parameters == null ? "" : ", \"parameters\": " + parameters) + "}}";
    }

    private static String spaceOnly(Similarity sim, String extra) {
        return "{\"type\": \"knn_vector\", \"dimension\": %d, \"space_type\": \"" + space(sim) + "\"" + extra + "}";
    }

    /** The matrix. Combinations k-NN refuses at mapping time, or that need its native code at flush, are not in it (docs/api.md). */
    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Similarity sim : Similarity.values()) {
            String s = sim.externalName();
            // faiss as k-NN's docs map it: no method, only the space (faiss is the default engine)
            cases.add(faiss("faiss-float-" + s, false, sim, spaceOnly(sim, "")));
            cases.add(lucene("lucene-float-" + s, false, sim, method("lucene", sim, null, null)));
            cases.add(lucene("lucene-byte-" + s, true, sim, method("lucene", sim, "byte", null)));
            if (sim != Similarity.COSINE) { // k-NN: "Faiss engine does not support cosine similarity with byte vectors"
                cases.add(faiss("faiss-byte-" + s, true, sim, method("faiss", sim, "byte", null)));
            }
        }
        cases.add(faiss("faiss-hnsw-explicit-dot", false, Similarity.DOT, method("faiss", Similarity.DOT, null, null)));
        cases.add(faiss(
                "faiss-sq-fp16-dot",
                false,
                Similarity.DOT,
                method(
                        "faiss",
                        Similarity.DOT,
                        null,
                        "{\"encoder\": {\"name\": \"sq\", \"parameters\": {\"type\": \"fp16\", \"bits\": 16}}}")));
        cases.add(lucene(
                "lucene-sq7-dot",
                false,
                Similarity.DOT,
                method(
                        "lucene",
                        Similarity.DOT,
                        null,
                        "{\"encoder\": {\"name\": \"sq\", \"parameters\": {\"bits\": 7}}}")));
        for (String level :
                List.of("4x")) { // lucene on_disk 32x quantises with k-NN's native SIMD code at flush (docs/api.md)
            cases.add(lucene(
                    "lucene-on-disk-" + level + "-dot",
                    false,
                    Similarity.DOT,
                    "{\"type\": \"knn_vector\", \"dimension\": %d, "
                            + "\"mode\": \"on_disk\", \"compression_level\": \"" + level
                            + "\", \"method\": {\"name\": \"hnsw\", \"engine\": \"lucene\", "
                            + "\"space_type\": \"innerproduct\"}}"));
        }
        for (String level : FAISS_ON_DISK_LEVELS) {
            cases.add(faiss(
                    "faiss-on-disk-" + level + "-dot",
                    false,
                    Similarity.DOT,
                    spaceOnly(Similarity.DOT, ", \"mode\": \"on_disk\", \"compression_level\": \"" + level + "\"")));
        }
        cases.add(new Case(
                "flat-float-cosine", false, Similarity.COSINE, "\"knn\": false", spaceOnly(Similarity.COSINE, "")));
        cases.add(new Case(
                "flat-byte-l2",
                true,
                Similarity.L2,
                "\"knn\": false",
                spaceOnly(Similarity.L2, ", \"data_type\": \"byte\"")));
        return cases;
    }

    /** faiss on_disk levels whose flush runs without k-NN's native libraries (measured: see docs/api.md). */
    static final List<String> FAISS_ON_DISK_LEVELS = List.of("1x", "2x", "4x");

    @BeforeAll
    void loadData() {
        LoudSkip.unless(
                VectorIndex.hasData(FLICKR, "text.npy"),
                "no ../shared/data/" + FLICKR + ": the matrix checks the cluster against it");
        var textArr = VectorIndex.read(FLICKR, "text.npy");
        float[] text = textArr.toFloats();
        float[] image = VectorIndex.read(FLICKR, "image.npy").toFloats();
        d = textArr.cols();
        float[][] floats = {
            VectorIndex.rows(text, d, 0, NQ),
            VectorIndex.rows(image, d, 0, N),
            VectorIndex.rows(text, d, 500, 1000),
            VectorIndex.rows(image, d, 500, 1000)
        };
        ByteQuantiser quantiser = new ByteQuantiser(text, image);
        float[][] bytes = new float[4][];
        for (int i = 0; i < 4; i++) bytes[i] = quantiser.quantise(floats[i]);
        rows.put(false, floats);
        rows.put(true, bytes);
        for (boolean b : List.of(false, true)) {
            String type = b ? "byte" : "float";
            createIndex(
                    PREFIX + "qbank-" + type,
                    "\"knn\": false",
                    spaceOnly(Similarity.L2, b ? ", \"data_type\": \"byte\"" : ""),
                    0);
            load(PREFIX + "qbank-" + type, rows.get(b)[2], i -> "txt-" + (500 + i), 1);
            createIndex(
                    PREFIX + "gbank-" + type,
                    "\"knn\": false",
                    spaceOnly(Similarity.L2, b ? ", \"data_type\": \"byte\"" : ""),
                    0);
            load(PREFIX + "gbank-" + type, rows.get(b)[3], i -> "img-" + (500 + i), 1);
        }
    }

    @AfterAll
    void cleanUp() {
        report.forEach(System.out::println);
        for (String index : List.of("qbank-float", "gbank-float", "qbank-byte", "gbank-byte", "binary", "model")) {
            cluster.delete("/" + PREFIX + index);
        }
    }

    private void createIndex(String index, String settings, String field, int replicas) {
        cluster.delete("/" + index);
        cluster.put(
                        "/" + index,
                        String.format(
                                Locale.ROOT,
                                """
            {"settings": {"index": {%s, "number_of_shards": 1, "number_of_replicas": %d}},
             "mappings": {"properties": {"%s": %s}}}
            """,
                                settings,
                                replicas,
                                VectorIndex.FIELD,
                                String.format(Locale.ROOT, field, d)))
                .ok();
    }

    /** Bulk-loads the rows in `segments` refreshed parts (each refresh writes a segment). */
    private void load(String index, float[] vectors, IntFunction<String> idOf, int segments) {
        int n = vectors.length / d;
        int per = (n + segments - 1) / segments;
        for (int from = 0; from < n; from += per) {
            StringBuilder bulk = new StringBuilder();
            for (int i = from; i < Math.min(n, from + per); i++) {
                bulk.append("{\"index\":{\"_id\":\"")
                        .append(idOf.apply(i))
                        .append("\"}}\n{\"")
                        .append(VectorIndex.FIELD)
                        .append("\":");
                VectorIndex.appendVector(bulk, vectors, i * d, d);
                bulk.append("}\n");
            }
            LocalCluster.Response r = cluster.post("/" + index + "/_bulk?refresh=true", bulk.toString())
                    .ok();
            if (r.json().path("errors").asBoolean())
                throw new AssertionError(
                        "bulk into " + index + " failed: " + r.body().substring(0, 2000));
        }
    }

    private Map<Method, double[]> oracle(boolean bytes, Similarity sim) {
        return oracles.computeIfAbsent((bytes ? "byte-" : "float-") + sim, k -> {
            float[][] r = rows.get(bytes);
            float[][] p = new float[4][];
            int[] counts = {NQ, N, BANK, BANK};
            for (int i = 0; i < 4; i++) {
                p[i] = r[i].clone();
                sim.prepareRows(p[i], counts[i], d);
            }
            OfflineScorer scorer =
                    new OfflineScorer(new ScoringInputs(sim, p[0], NQ, p[1], N, p[2], BANK, p[3], BANK, d));
            Map<Method, double[]> out = new EnumMap<>(Method.class);
            for (Method m : Method.values()) out.put(m, scorer.scores(m, NormParams.defaults()));
            return out;
        });
    }

    private String buildBank(Case c) {
        String bank = c.index() + "-bank";
        String type = c.bytes() ? "byte" : "float";
        cluster.delete("/_plugins/_hubness/banks/" + bank);
        JsonNode built = cluster.put(
                        "/_plugins/_hubness/banks/" + bank, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%sqbank-%s", "field": "embedding"},
             "gallery_bank": {"index": "%sgbank-%s", "field": "embedding"}}
            """.formatted(c.index(), PREFIX, type, PREFIX, type))
                .ok()
                .json();
        assertEquals(
                c.similarity().externalName(),
                built.path("build").path("similarity").asText(),
                c.name() + ": " + built);
        return bank;
    }

    /** Every method's responses for the case's index, checked against the oracle; failures collected. */
    private Map<Method, List<JsonNode>> rescoreAndCheck(Case c, String label, String bank, List<String> failures) {
        float[] queries = rows.get(c.bytes())[0];
        Map<Method, double[]> offline = oracle(c.bytes(), c.similarity());
        Map<Method, List<JsonNode>> byMethod = new EnumMap<>(Method.class);
        int[][] truth = RetrievalMetrics.diagonalTruth(NQ);
        boolean flat = c.settings().contains("\"knn\": false"); // k-NN: "Field 'embedding' is not built for ANN search"
        // a quantising encoder (sq) makes the engine's top-1 that of the quantised scores, which can differ from the
        // exact
        // argmax the oracle's gates use (seen here: lucene-sq7-dot, 2 of 100 queries): those cases ask for top1: exact;
        // every other case keeps the default, the engine's top-1 (index.knn: false gets the exact one by itself)
        String top1 = c.field().contains("\"sq\"") ? "exact" : null;
        for (Method m : Method.values()) {
            List<JsonNode> hits = RescoreOracle.msearch(
                    cluster,
                    c.index(),
                    "_local",
                    NQ,
                    q -> flat
                            ? matchAllBody(queries, q, bank, m)
                            : RescoreOracle.searchBody(
                                    VectorIndex.FIELD, queries, q, d, N, N, bank, m.externalName(), top1),
                    BATCH);
            RescoreOracle.Outcome o = RescoreOracle.check(
                    label + " " + m.externalName(),
                    hits,
                    offline.get(m),
                    NQ,
                    N,
                    truth,
                    id -> Integer.parseInt(id.substring(4)),
                    N);
            report.add(o.row());
            failures.addAll(o.failures.stream().map(f -> o.label + ": " + f).toList());
            byMethod.put(m, hits);
        }
        return byMethod;
    }

    @Test
    void everyFieldKindRescoresLikeTheOfflineScorer() {
        List<String> failures = new ArrayList<>();
        for (Case c : cases()) {
            try {
                createIndex(c.index(), c.settings(), c.field(), 0);
                load(c.index(), rows.get(c.bytes())[1], i -> "img-" + i, 1);
                responses.put(c.name(), rescoreAndCheck(c, c.name(), buildBank(c), failures));
            } finally {
                cluster.delete("/_plugins/_hubness/banks/" + c.index() + "-bank");
                cluster.delete("/" + c.index());
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " disagreements with the offline scorer:\n" + String.join("\n", failures));

        // faiss mapped as k-NN's docs show (no method) against the lucene field of the same data: the same top 10
        for (Similarity sim : Similarity.values()) {
            for (boolean bytes : List.of(false, true)) {
                String type = bytes ? "byte-" : "float-";
                Map<Method, List<JsonNode>> f = responses.get("faiss-" + type + sim.externalName());
                Map<Method, List<JsonNode>> l = responses.get("lucene-" + type + sim.externalName());
                if (f == null) continue; // faiss refuses byte + cosine
                for (Method m : Method.values()) {
                    sameTop10(
                            "faiss vs lucene " + type + sim.externalName() + " " + m.externalName(),
                            f.get(m),
                            l.get(m),
                            oracle(bytes, sim).get(m),
                            failures);
                }
            }
        }
        assertTrue(failures.isEmpty(), "faiss and lucene disagree:\n" + String.join("\n", failures));
    }

    /** The first pass of an index.knn: false field: every document (the window covers the gallery), then the rescore. */
    private String matchAllBody(float[] queries, int q, String bank, Method m) {
        return String.format(
                Locale.ROOT,
                "{\"size\":%d,\"_source\":false,\"track_total_hits\":true,\"query\":{\"match_all\":{}},"
                        + "\"rescore\":{\"window_size\":%d,\"hubness\":{\"bank\":\"%s\",\"query_vector\":%s,\"method\":\"%s\"}}}",
                RescoreOracle.TOP,
                N,
                bank,
                VectorIndex.vectorJson(queries, q * d, d),
                m.externalName());
    }

    /** Same ids in the same order per query, except where the oracle says the two items tie. */
    private static void sameTop10(
            String label, List<JsonNode> a, List<JsonNode> b, double[] scores, List<String> failures) {
        int compared = 0;
        for (int q = 0; q < NQ; q++) {
            JsonNode x = a.get(q).path("hits"), y = b.get(q).path("hits");
            assertEquals(x.size(), y.size(), label + " q" + q);
            for (int i = 0; i < x.size(); i++) {
                int gx = Integer.parseInt(x.get(i).path("_id").asText().substring(4));
                int gy = Integer.parseInt(y.get(i).path("_id").asText().substring(4));
                compared++;
                if (gx != gy && !RescoreOracle.tie(scores[q * N + gx], scores[q * N + gy]) && failures.size() < 40) {
                    failures.add(label + " q" + q + " rank " + (i + 1) + ": " + RescoreOracle.ids(x) + " vs "
                            + RescoreOracle.ids(y));
                }
            }
        }
        assertEquals(NQ * RescoreOracle.TOP, compared, label);
    }

    /**
     * A faiss index written as 4 segments on node 3: rescored, force-merged to one segment and rescored, node 3
     * restarted and rescored again. All three runs return the same ids with the same scores, and agree with the oracle.
     */
    @Test
    void faissIndexAfterForceMergeAndRestartRescoresIdentically() throws Exception {
        Case c = new Case(
                "faiss-merge-restart-dot",
                false,
                Similarity.DOT,
                "\"knn\": true, " + EXACT_FAISS + ", \"routing.allocation.require._name\": \"node-3\"",
                spaceOnly(Similarity.DOT, ""));
        createIndex(c.index(), c.settings(), c.field(), 0);
        load(c.index(), rows.get(false)[1], i -> "img-" + i, 4);
        JsonNode segments = cluster.get("/" + c.index() + "/_segments").ok().json();
        int before = segments.path("indices")
                .path(c.index())
                .path("shards")
                .path("0")
                .get(0)
                .path("segments")
                .size();
        assertTrue(before >= 2, "the gallery was written in several segments: " + before);
        String bank = buildBank(c);
        List<String> failures = new ArrayList<>();
        Map<Method, List<JsonNode>> first = rescoreAndCheck(c, c.name() + " (" + before + " segments)", bank, failures);

        cluster.post("/" + c.index() + "/_forcemerge?max_num_segments=1", null).ok();
        cluster.post("/" + c.index() + "/_refresh", null).ok();
        segments = cluster.get("/" + c.index() + "/_segments").ok().json();
        assertEquals(
                1,
                segments.path("indices")
                        .path(c.index())
                        .path("shards")
                        .path("0")
                        .get(0)
                        .path("segments")
                        .size(),
                segments.toString());
        Map<Method, List<JsonNode>> merged = rescoreAndCheck(c, c.name() + " (force-merged)", bank, failures);

        LocalNodeScript.run("stop-node", "3");
        LocalNodeScript.run("start-node", "3");
        cluster.get("/_cluster/health/" + c.index() + "?wait_for_nodes=3&wait_for_status=green&timeout=120s")
                .ok();
        Map<Method, List<JsonNode>> restarted = rescoreAndCheck(c, c.name() + " (node restarted)", bank, failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        for (Method m : Method.values()) {
            for (int q = 0; q < NQ; q++) {
                String want = RescoreOracle.ids(first.get(m).get(q).path("hits"));
                assertEquals(
                        want,
                        RescoreOracle.ids(merged.get(m).get(q).path("hits")),
                        m + " q" + q + " after force-merge");
                assertEquals(
                        want,
                        RescoreOracle.ids(restarted.get(m).get(q).path("hits")),
                        m + " q" + q + " after the restart");
            }
        }
        cluster.delete("/_plugins/_hubness/banks/" + bank);
        cluster.delete("/" + c.index());
    }

    /** Banks on binary (hamming) and trained-model fields: a 400 naming the field, its mapping and what works. */
    @Test
    void binaryAndModelFieldsAreRefusedByTheBankBuild() {
        createIndex(
                PREFIX + "binary",
                "\"knn\": true, " + EXACT_FAISS,
                "{\"type\": \"knn_vector\", \"dimension\": 64, \"data_type\": \"binary\", \"space_type\": \"hamming\"}",
                0);
        cluster.delete("/" + PREFIX + "model");
        cluster.put("/" + PREFIX + "model", """
            {"settings": {"index": {"knn": true, "number_of_shards": 1, "number_of_replicas": 0}},
             "mappings": {"properties": {"embedding": {"type": "knn_vector", "model_id": "matrix-ivf"}}}}
            """).ok();
        for (String index : List.of(PREFIX + "binary", PREFIX + "model")) {
            LocalCluster.Response r = cluster.put("/_plugins/_hubness/banks/" + index + "-bank", """
                {"gallery": {"index": "%s", "field": "embedding"}, "query_bank": {"vectors": [[1, 0]]}}
                """.formatted(index));
            assertEquals(400, r.status(), r.body());
            String reason = r.json().path("error").path("reason").asText();
            assertTrue(reason.contains("field [embedding] of index [" + index + "] cannot be used"), reason);
            assertTrue(
                    reason.contains(index.endsWith("binary") ? "hamming" : "trained k-NN model [matrix-ivf]"), reason);
            assertTrue(reason.contains("data_type float or byte") && reason.contains("lucene or faiss engine"), reason);
            assertEquals(
                    404,
                    cluster.get("/_plugins/_hubness/banks/" + index + "-bank").status(),
                    "no bank was left behind");
        }
    }
}

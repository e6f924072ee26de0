package org.opensearch.hubness.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import org.opensearch.hubness.norm.RetrievalMetrics;
import org.opensearch.hubness.rescore.ScoreMapping;

/**
 * Compares the hubness rescorer's search responses with the offline evaluator (OfflineScorer) on the same float32 data:
 * per query, the top-10 order "ties aside" and the returned scores, and R@1/R@5/R@10 from the responses.
 *
 * <p>Ties: two gallery items are interchangeable when their offline log-scores are within 1e-6 relative (the server
 * computes the cached bank terms with float-lane dot products, the oracle in double: measured ~1e-6 apart at β=20), or
 * when they map to the same float search score (the response carries float scores and the coordinator merges shards by
 * them, so items that tie as floats may come in either order). Every tolerated tie is counted and reported.
 */
final class RescoreOracle {

    static final int TOP = 10;
    static final double REL_TIE = 1e-6;

    private RescoreOracle() {}

    /** One query's search for the rescorer, t(q) as the clause's default finds it. */
    static String searchBody(String field, float[] rows, int q, int d, int k, int window, String bank, String method) {
        return searchBody(field, rows, q, d, k, window, bank, method, null);
    }

    /** One query's search for the rescorer; top1 ("knn", "exact") is sent when not null. */
    static String searchBody(
            String field, float[] rows, int q, int d, int k, int window, String bank, String method, String top1) {
        String v = VectorIndex.vectorJson(rows, q * d, d);
        return String.format(
                Locale.ROOT,
                "{\"size\":%d,\"_source\":false,\"track_total_hits\":true,"
                        + "\"query\":{\"knn\":{\"%s\":{\"vector\":%s,\"k\":%d}}},"
                        + "\"rescore\":{\"window_size\":%d,\"hubness\":{\"bank\":\"%s\",\"query_vector\":%s,\"method\":\"%s\"%s}}}",
                TOP,
                field,
                v,
                k,
                window,
                bank,
                v,
                method,
                top1 == null ? "" : ",\"top1\":\"" + top1 + "\"");
    }

    /** Runs one search per query through _msearch in batches; returns each query's response (hits object). */
    static List<JsonNode> msearch(
            LocalCluster cluster, String index, String preference, int nq, IntFunction<String> body, int batch) {
        List<JsonNode> out = new ArrayList<>(nq);
        StringBuilder sb = new StringBuilder();
        String header = "{\"index\":\"" + index + "\""
                + (preference == null ? "" : ",\"preference\":\"" + preference + "\"") + "}\n";
        for (int q = 0; q < nq; q++) {
            sb.append(header).append(body.apply(q)).append('\n');
            if ((q + 1) % batch == 0 || q == nq - 1) {
                JsonNode responses =
                        cluster.post("/_msearch", sb.toString()).ok().json().path("responses");
                for (JsonNode r : responses) {
                    if (r.has("error")) {
                        throw new AssertionError("search " + out.size() + " on " + index + " failed: " + r);
                    }
                    if (r.path("_shards").path("failed").asInt() != 0) {
                        throw new AssertionError(
                                "search " + out.size() + " on " + index + " had shard failures: " + r.path("_shards"));
                    }
                    out.add(r.path("hits"));
                }
                sb.setLength(0);
            }
        }
        if (out.size() != nq) throw new AssertionError("expected " + nq + " responses, got " + out.size());
        return out;
    }

    static boolean tie(double a, double b) {
        if (Math.abs(a - b) <= REL_TIE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)))) return true;
        return finalScore(a) == finalScore(b);
    }

    /** The float score the server returns for log-score x with score_mode replace and weights 1. */
    static float finalScore(double x) {
        return (float) (1 + ScoreMapping.positive(x));
    }

    /** What one method on one layout did, against the oracle. */
    static final class Outcome {
        final String label;
        int queries, exactPositions, tiedPositions;
        final List<String> failures = new ArrayList<>();
        final int[] serverHits = new int[TOP + 1]; // serverHits[K] = queries whose correct item is in the top K
        RetrievalMetrics.Summary offline;

        Outcome(String label) {
            this.label = label;
        }

        double serverRecall(int k) {
            return 100.0 * serverHits[k] / queries;
        }

        boolean recallAgrees() {
            return Math.abs(serverRecall(1) - offline.r1()) < 1e-9
                    && Math.abs(serverRecall(5) - offline.r5()) < 1e-9
                    && Math.abs(serverRecall(10) - offline.r10()) < 1e-9;
        }

        String row() {
            return String.format(
                    Locale.ROOT,
                    "%-28s R@1 %5.1f/%5.1f  R@5 %5.1f/%5.1f  R@10 %5.1f/%5.1f  (server/offline)  "
                            + "positions exact %d, tied %d, failures %d",
                    label,
                    serverRecall(1),
                    offline.r1(),
                    serverRecall(5),
                    offline.r5(),
                    serverRecall(10),
                    offline.r10(),
                    exactPositions,
                    tiedPositions,
                    failures.size());
        }
    }

    /**
     * Checks every query's response against the offline log-scores (row-major nq×n) and the offline top-10.
     *
     * @param rowOf  gallery row of a returned _id
     * @param truth  correct gallery rows per query (queries without any are skipped by both sides)
     * @param expectedTotal the number of hits the knn stage must find (the whole gallery: the window covers it), or -1
     */
    static Outcome check(
            String label,
            List<JsonNode> hits,
            double[] scores,
            int nq,
            int n,
            int[][] truth,
            ToIntFunction<String> rowOf,
            long expectedTotal) {
        Outcome o = new Outcome(label);
        int[][] offTop = RetrievalMetrics.topK(scores, nq, n, TOP);
        o.offline = RetrievalMetrics.evaluate(scores, nq, n, truth, TOP);
        for (int q = 0; q < nq; q++) {
            JsonNode h = hits.get(q);
            if (truth[q].length == 0) continue;
            o.queries++;
            if (expectedTotal >= 0
                    && h.path("total").path("value").asLong() != expectedTotal
                    && o.failures.size() < 20) {
                o.failures.add("q" + q + ": knn stage found " + h.path("total") + " hits, expected the whole gallery ("
                        + expectedTotal + ")");
            }
            JsonNode arr = h.path("hits");
            if (arr.size() != Math.min(TOP, n)) {
                o.failures.add("q" + q + ": " + arr.size() + " hits");
                continue;
            }
            int best = Integer.MAX_VALUE;
            for (int i = 0; i < arr.size(); i++) {
                int g = rowOf.applyAsInt(arr.get(i).path("_id").asText());
                double x = scores[q * n + g];
                double want = scores[q * n + offTop[q][i]];
                float got = (float) arr.get(i).path("_score").asDouble();
                if (g == offTop[q][i]) {
                    o.exactPositions++;
                } else if (tie(x, want)) {
                    o.tiedPositions++;
                } else if (o.failures.size() < 20) {
                    o.failures.add(String.format(
                            Locale.ROOT,
                            "q%d rank %d: server %s (offline log-score %.9f, score %.9f) but offline "
                                    + "has row %d (%.9f); server top: %s",
                            q,
                            i + 1,
                            arr.get(i).path("_id").asText(),
                            x,
                            got,
                            offTop[q][i],
                            want,
                            ids(arr)));
                }
                float expectedScore = finalScore(x);
                if (Math.abs(got - expectedScore) > 1e-5 * expectedScore && o.failures.size() < 20) {
                    o.failures.add(String.format(
                            Locale.ROOT,
                            "q%d rank %d: %s scored %.9f, offline log-score %.9f maps to %.9f",
                            q,
                            i + 1,
                            arr.get(i).path("_id").asText(),
                            got,
                            x,
                            expectedScore));
                }
                for (int t : truth[q]) {
                    if (t == g) best = Math.min(best, i + 1);
                }
            }
            for (int k = 1; k <= TOP; k++) {
                if (best <= k) o.serverHits[k]++;
            }
        }
        if (o.queries != o.offline.queries()) {
            o.failures.add("evaluated " + o.queries + " queries, offline " + o.offline.queries());
        }
        if (!o.recallAgrees()) {
            o.failures.add("R@K from the responses differ from the offline evaluator: " + o.row());
        }
        return o;
    }

    static String ids(JsonNode arr) {
        StringBuilder sb = new StringBuilder("[");
        for (JsonNode hit : arr)
            sb.append(hit.path("_id").asText())
                    .append(' ')
                    .append(String.format(
                            Locale.ROOT, "%.7f", hit.path("_score").asDouble()))
                    .append(", ");
        return sb.append(']').toString();
    }
}

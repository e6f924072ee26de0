/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */

package org.opensearch.hubness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opensearch.hubness.it.LocalCluster;
import org.opensearch.hubness.it.VectorIndex;

/**
 * How the gated methods' two definitions of t(q) compare on one gallery and bank of a real node (NOT a test; the
 * benchmarks print its rows): per query, the engine's top-1 (a k = 1 knn query, {@code top1: knn}) against the exact
 * argmax (k-NN's exact scoring script over the whole gallery, {@code top1: exact}); the gates γq, γg each one gives
 * (read from the rescorer's explain); and R@1/R@10 of dis and dual_dis with each.
 */
final class Top1Agreement {

    static final String HEADER = String.format(
            Locale.ROOT,
            "%-34s %7s %9s %7s %7s | %-21s | %-21s | %-21s | %-21s | %s",
            "data",
            "queries",
            "t(q) same",
            "γq same",
            "γg same",
            "dis R@1 knn/exact",
            "dis R@10 knn/exact",
            "dual_dis R@1 knn/ex.",
            "dual_dis R@10 knn/ex.",
            "top-10 lists equal dis/dual_dis");

    private final LocalCluster cluster;
    private final String index, bank, field;
    private final int window;

    Top1Agreement(LocalCluster cluster, String index, String bank, int window) {
        this.cluster = cluster;
        this.index = index;
        this.bank = bank;
        this.field = VectorIndex.FIELD;
        this.window = window;
    }

    /** The counts over the queries measured so far. */
    private int queries, sameTop1, sameGq, sameGg, sameDis, sameDualDis;

    private final int[][] hits1 = new int[2][2], hits10 = new int[2][2]; // [method dis, dual_dis][top1 knn, exact]

    /** Measures one query (row-major vector) whose correct gallery document is truthId. */
    void add(float[] q, String truthId) {
        String v = VectorIndex.vectorJson(q, 0, q.length);
        String engine = firstId("{\"size\":1,\"_source\":false,\"query\":{\"knn\":{\"" + field + "\":{\"vector\":" + v
                + ",\"k\":1}}}}");
        String exact =
                firstId("{\"size\":1,\"_source\":false,\"query\":{\"script_score\":{\"query\":{\"match_all\":{}},"
                        + "\"script\":{\"lang\":\"knn\",\"source\":\"knn_score\",\"params\":{\"field\":\"" + field
                        + "\",\"query_value\":" + v + ",\"space_type\":\"cosinesimil\"}}}}}");
        queries++;
        if (engine.equals(exact)) sameTop1++;
        String[] top1 = {"knn", "exact"};
        List<List<String>> lists = new ArrayList<>();
        double[][] gates = new double[2][];
        for (int m = 0; m < 2; m++) {
            String method = m == 0 ? "dis" : "dual_dis";
            for (int t = 0; t < 2; t++) {
                JsonNode hits = search(v, method, top1[t], m == 1);
                List<String> ids = new ArrayList<>();
                for (JsonNode h : hits) ids.add(h.path("_id").asText());
                lists.add(ids);
                int rank = ids.indexOf(truthId);
                if (rank == 0) hits1[m][t]++;
                if (rank >= 0) hits10[m][t]++;
                if (m == 1) gates[t] = gates(hits.get(0).path("_explanation"));
            }
        }
        if (lists.get(0).equals(lists.get(1))) sameDis++;
        if (lists.get(2).equals(lists.get(3))) sameDualDis++;
        if (gates[0][0] == gates[1][0]) sameGq++;
        if (gates[0][1] == gates[1][1]) sameGg++;
    }

    /** The row of the table for the queries added so far. */
    String row(String label) {
        return String.format(
                Locale.ROOT,
                "%-34s %7d %8.1f%% %6.1f%% %6.1f%% | %9.1f / %-9.1f | %9.1f / %-9.1f | %9.1f / %-9.1f | %9.1f / %-9.1f | %5.1f%% / %5.1f%%",
                label,
                queries,
                pct(sameTop1),
                pct(sameGq),
                pct(sameGg),
                pct(hits1[0][0]),
                pct(hits1[0][1]),
                pct(hits10[0][0]),
                pct(hits10[0][1]),
                pct(hits1[1][0]),
                pct(hits1[1][1]),
                pct(hits10[1][0]),
                pct(hits10[1][1]),
                pct(sameDis),
                pct(sameDualDis));
    }

    private double pct(int n) {
        return 100.0 * n / queries;
    }

    private String firstId(String body) {
        JsonNode hits = cluster.post("/" + index + "/_search", body)
                .ok()
                .json()
                .path("hits")
                .path("hits");
        if (hits.isEmpty()) throw new IllegalStateException("no hit for a top-1 search on " + index);
        return hits.get(0).path("_id").asText();
    }

    /** A knn k = window query rescored with the method (window = k), the top 10; explain when the gates are wanted. */
    private JsonNode search(String v, String method, String top1, boolean explain) {
        String body = "{\"size\":10,\"_source\":false,\"explain\":" + explain + ",\"query\":{\"knn\":{\"" + field
                + "\":{\"vector\":" + v + ",\"k\":" + window + "}}},\"rescore\":{\"window_size\":" + window
                + ",\"hubness\":{\"bank\":\"" + bank + "\",\"query_vector\":" + v + ",\"method\":\"" + method
                + "\",\"top1\":\"" + top1 + "\"}}}";
        LocalCluster.Response r = cluster.post("/" + index + "/_search", body).ok();
        if (r.json().path("_shards").path("failed").asInt() != 0) throw new IllegalStateException(r.body());
        return r.json().path("hits").path("hits");
    }

    /** {γq, γg} from one hit's explanation (the values of its gate_query and gate_gallery details). */
    private static double[] gates(JsonNode explanation) {
        double[] g = {Double.NaN, Double.NaN};
        find(explanation, g);
        if (Double.isNaN(g[0]) || Double.isNaN(g[1]))
            throw new IllegalStateException("no gates in explain: " + explanation);
        return g;
    }

    private static void find(JsonNode e, double[] g) {
        String d = e.path("description").asText();
        if (d.startsWith("gate_query:")) g[0] = e.path("value").asDouble();
        if (d.startsWith("gate_gallery:")) g[1] = e.path("value").asDouble();
        for (JsonNode c : e.path("details")) find(c, g);
    }
}

package org.opensearch.hubness.bank;

import org.opensearch.hubness.norm.LogScore;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.RetrievalMetrics;
import org.opensearch.hubness.norm.TopKTracker;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hubness of the gallery as the query bank sees it, before and after each method: every sampled query-bank vector
 * ranks the whole gallery, and the N_10 occurrence distribution gives the skewness, the share of hubs (N_10 above
 * twice its mean) and of anti-hubs (N_10 = 0). Accumulated page by page during the gallery scan.
 *
 * <p>The gated methods need no extra pass: with both gates on, dis ranks like is and dual_dis like dual_is; with them
 * off, like none; dual_dis with one gate ranks by (βq+βg)s minus the one open term, tracked separately.
 */
final class HubnessReport {

    static final int K = 10;
    private enum Ranking { RAW, IS, DUAL_IS, DUAL_Q_ONLY, DUAL_G_ONLY, CSLS, NNN }

    private final int rows;
    private final NormParams params;
    private final boolean hasGalleryBank;
    private final TopKTracker[] trackers = new TopKTracker[Ranking.values().length];

    HubnessReport(int rows, NormParams params, boolean hasGalleryBank) {
        this.rows = rows;
        this.params = params;
        this.hasGalleryBank = hasGalleryBank;
        for (Ranking r : Ranking.values()) trackers[r.ordinal()] = new TopKTracker(rows, K);
    }

    /** Offers one gallery page: sims[row * n + j] = s(bank row, page doc j); terms per page doc; docBase its global index. */
    void offer(float[] sims, int n, double[] lq, double[] lg, double[] csls, double[] nnn, int docBase) {
        double sumBeta = params.betaQuery() + params.betaGallery();
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < n; j++) {
                double s = sims[b * n + j];
                int g = docBase + j;
                trackers[Ranking.RAW.ordinal()].offer(b, s, g);
                trackers[Ranking.IS.ordinal()].offer(b, params.betaQuery() * s - lq[j], g);
                trackers[Ranking.CSLS.ordinal()].offer(b, LogScore.of(Method.CSLS, s, lq[j], 0, csls[j], nnn[j], true, true, params), g);
                trackers[Ranking.NNN.ordinal()].offer(b, LogScore.of(Method.NNN, s, lq[j], 0, csls[j], nnn[j], true, true, params), g);
                if (hasGalleryBank) {
                    trackers[Ranking.DUAL_IS.ordinal()].offer(b, sumBeta * s - lq[j] - lg[j], g);
                    trackers[Ranking.DUAL_Q_ONLY.ordinal()].offer(b, sumBeta * s - lq[j], g);
                    trackers[Ranking.DUAL_G_ONLY.ordinal()].offer(b, sumBeta * s - lg[j], g);
                }
            }
        }
    }

    /** The report per method; top1 of a row is the raw top-1, whose membership in the activation sets opens the gates. */
    Map<String, Object> finish(int galleryCount, BitSet queryActivation, BitSet galleryActivation) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("k", K);
        out.put("query_bank_vectors", rows);
        out.put("gallery_documents", galleryCount);
        Map<String, Object> methods = new LinkedHashMap<>();
        methods.put("none", stats(topK(Ranking.RAW), galleryCount));
        methods.put("is", stats(topK(Ranking.IS), galleryCount));
        methods.put("dis", stats(gatedDis(queryActivation), galleryCount));
        if (hasGalleryBank) {
            methods.put("dual_is", stats(topK(Ranking.DUAL_IS), galleryCount));
            methods.put("dual_dis", stats(gatedDualDis(queryActivation, galleryActivation), galleryCount));
        }
        methods.put("csls", stats(topK(Ranking.CSLS), galleryCount));
        methods.put("nnn", stats(topK(Ranking.NNN), galleryCount));
        out.put("methods", methods);
        return out;
    }

    private int[][] topK(Ranking r) {
        int[][] out = new int[rows][];
        for (int b = 0; b < rows; b++) out[b] = row(r, b);
        return out;
    }

    private int[] row(Ranking r, int b) {
        TopKTracker t = trackers[r.ordinal()];
        int[] row = new int[t.count(b)];
        for (int i = 0; i < row.length; i++) row[i] = t.index(b, i);
        return row;
    }

    private int[][] gatedDis(BitSet aq) {
        int[][] out = new int[rows][];
        for (int b = 0; b < rows; b++) out[b] = row(aq.get(top1(b)) ? Ranking.IS : Ranking.RAW, b);
        return out;
    }

    private int[][] gatedDualDis(BitSet aq, BitSet ag) {
        int[][] out = new int[rows][];
        for (int b = 0; b < rows; b++) {
            boolean q = aq.get(top1(b));
            boolean g = ag.get(top1(b));
            Ranking r = q && g ? Ranking.DUAL_IS : q ? Ranking.DUAL_Q_ONLY : g ? Ranking.DUAL_G_ONLY : Ranking.RAW;
            out[b] = row(r, b);
        }
        return out;
    }

    private int top1(int b) {
        return trackers[Ranking.RAW.ordinal()].index(b, 0);
    }

    private static Map<String, Object> stats(int[][] topK, int galleryCount) {
        int[] counts = new int[galleryCount];
        for (int[] row : topK) for (int g : row) counts[g]++;
        double mean = (double) K * topK.length / galleryCount;
        int hubs = 0, antiHubs = 0, max = 0;
        for (int c : counts) {
            if (c > 2 * mean) hubs++;
            if (c == 0) antiHubs++;
            max = Math.max(max, c);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        double skew = RetrievalMetrics.kOccurrenceSkewness(topK, galleryCount, K);
        m.put("n10_skewness", Double.isFinite(skew) ? round(skew) : null);
        m.put("hub_share", round((double) hubs / galleryCount));
        m.put("anti_hub_share", round((double) antiHubs / galleryCount));
        m.put("max_n10", max);
        return m;
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}

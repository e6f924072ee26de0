package org.opensearch.hubness.norm;

import java.util.Arrays;

/**
 * Retrieval quality and hubness of a score matrix (row-major nq×n, larger is better).
 *
 * Rank rule: the 1-based rank of gallery item g for query q is 1 + #{g' : score(g') > score(g)}
 * + #{g' < g : score(g') = score(g)}, i.e. ties are broken by the smaller gallery index (the same rule
 * as top-k and the activation sets). A query's rank is the rank of its best-ranked correct item.
 * Queries without any correct item (all answers negative) are left out of every metric.
 */
public final class RetrievalMetrics {

    private RetrievalMetrics() {}

    /** R@K in percent, MdR/MnR 1-based, skew = N_k skewness over the whole gallery, queries = evaluated count. */
    public record Summary(double r1, double r5, double r10, double mdr, double mnr, double skew, int queries) {}

    /** Ground truth "query i ↔ gallery item i". */
    public static int[][] diagonalTruth(int nq) {
        int[][] t = new int[nq][];
        for (int i = 0; i < nq; i++) {
            t[i] = new int[] {i};
        }
        return t;
    }

    public static Summary evaluate(double[] scores, int nq, int n, int[][] truth, int k) {
        int[] ranks = ranks(scores, nq, n, truth);
        return new Summary(
                recallAt(ranks, 1),
                recallAt(ranks, 5),
                recallAt(ranks, 10),
                medianRank(ranks),
                meanRank(ranks),
                kOccurrenceSkewness(scores, nq, n, k),
                ranks.length);
    }

    /** Best rank of a correct item per evaluated query (queries with no valid answer are skipped). */
    public static int[] ranks(double[] scores, int nq, int n, int[][] truth) {
        if (truth.length != nq) {
            throw new IllegalArgumentException("ground truth has " + truth.length + " queries, scores have " + nq);
        }
        int[] out = new int[nq];
        int count = 0;
        for (int q = 0; q < nq; q++) {
            int best = Integer.MAX_VALUE;
            for (int g : truth[q]) {
                if (g < 0) {
                    continue; // padding
                }
                if (g >= n) {
                    throw new IllegalArgumentException("ground truth of query " + q + " names gallery item " + g
                            + " but the gallery has " + n + " items");
                }
                best = Math.min(best, rankOf(scores, q * n, n, g));
            }
            if (best != Integer.MAX_VALUE) {
                out[count++] = best;
            }
        }
        return Arrays.copyOf(out, count);
    }

    private static int rankOf(double[] scores, int off, int n, int g) {
        double v = scores[off + g];
        int above = 0;
        for (int i = 0; i < n; i++) {
            double w = scores[off + i];
            if (w > v || (w == v && i < g)) {
                above++;
            }
        }
        return above + 1;
    }

    public static double recallAt(int[] ranks, int k) {
        if (ranks.length == 0) {
            return Double.NaN;
        }
        int hits = 0;
        for (int r : ranks) {
            if (r <= k) {
                hits++;
            }
        }
        return 100.0 * hits / ranks.length;
    }

    /** Median as numpy computes it: the mean of the two middle values for an even count. */
    public static double medianRank(int[] ranks) {
        if (ranks.length == 0) {
            return Double.NaN;
        }
        int[] sorted = ranks.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    public static double meanRank(int[] ranks) {
        return Arrays.stream(ranks).average().orElse(Double.NaN);
    }

    /** Each query's top-k gallery indices, best first, ties to the smaller index. */
    public static int[][] topK(double[] scores, int nq, int n, int k) {
        int kk = Math.min(k, n);
        TopKTracker top = new TopKTracker(nq, kk);
        for (int q = 0; q < nq; q++) {
            for (int g = 0; g < n; g++) {
                top.offer(q, scores[q * n + g], g);
            }
        }
        int[][] out = new int[nq][kk];
        for (int q = 0; q < nq; q++) {
            for (int r = 0; r < kk; r++) {
                out[q][r] = top.index(q, r);
            }
        }
        return out;
    }

    public static double kOccurrenceSkewness(double[] scores, int nq, int nGallery, int k) {
        return kOccurrenceSkewness(topK(scores, nq, nGallery, k), nGallery, k);
    }

    /** {@link KOccurrence#skewness}: the main code's one metric, kept here for the tests' and evaluator's calls. */
    public static double kOccurrenceSkewness(int[][] topK, int nGallery, int k) {
        return KOccurrence.skewness(topK, nGallery, k);
    }
}

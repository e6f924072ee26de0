package org.opensearch.hubness.norm;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.opensearch.hubness.kernel.FiniteCheck;

/**
 * The full |Q|×|G| log-score matrix of a method: the reference the evaluator reports on and the oracle
 * the server is checked against. Every similarity is computed at {@link DotPrecision#DOUBLE}, so the
 * log-scores match a float64 computation from the same float32 inputs to ~1e-12.
 * Inputs must already be prepared ({@link Similarity#prepareRows}). Similarities that do not depend on
 * β are computed once and reused, so sweeping β over one instance is cheap.
 */
public final class OfflineScorer {

    private final float[] queries;
    private final int nq;
    private final float[] gallery;
    private final int n;
    private final float[] queryBank;
    private final int mq;
    private final float[] galleryBank;
    private final int mg;
    private final int d;
    private final Similarity similarity;

    private double[] raw; // nq×n
    private double[] simQ; // n×mq, s(b, g) gallery-major
    private double[] simG; // n×mg
    private int[] top1;
    private final Map<Integer, BitSet> queryActivation = new HashMap<>();
    private final Map<Integer, BitSet> galleryActivation = new HashMap<>();

    /** Banks may be null (with a count of 0) when no method that needs them will be asked for. */
    public OfflineScorer(
            float[] queries,
            int nq,
            float[] gallery,
            int n,
            float[] queryBank,
            int mq,
            float[] galleryBank,
            int mg,
            int d) {
        this(Similarity.DOT, queries, nq, gallery, n, queryBank, mq, galleryBank, mg, d);
    }

    /** With s of the given similarity (l2: s = −‖x − y‖²); inputs prepared by it. */
    public OfflineScorer(
            Similarity similarity,
            float[] queries,
            int nq,
            float[] gallery,
            int n,
            float[] queryBank,
            int mq,
            float[] galleryBank,
            int mg,
            int d) {
        this.similarity = similarity;
        this.queries = checked(queries, nq, d, "queries");
        this.nq = nq;
        this.gallery = checked(gallery, n, d, "gallery");
        this.n = n;
        this.queryBank = queryBank == null ? null : checked(queryBank, mq, d, "query bank");
        this.mq = queryBank == null ? 0 : mq;
        this.galleryBank = galleryBank == null ? null : checked(galleryBank, mg, d, "gallery bank");
        this.mg = galleryBank == null ? 0 : mg;
        this.d = d;
    }

    /** One-shot convenience. */
    public static double[] score(
            Method m,
            float[] queries,
            int nq,
            float[] gallery,
            int n,
            float[] queryBank,
            int mq,
            float[] galleryBank,
            int mg,
            int d,
            NormParams p) {
        return new OfflineScorer(queries, nq, gallery, n, queryBank, mq, galleryBank, mg, d).scores(m, p);
    }

    private static float[] checked(float[] v, int rows, int d, String what) {
        if (v == null) {
            throw new IllegalArgumentException(what + " are missing");
        }
        if (rows < 1 || d < 1 || v.length != rows * d) {
            throw new IllegalArgumentException(what + ": expected " + rows + "×" + d + " values, got " + v.length);
        }
        FiniteCheck.requireFinite(v, what);
        return v;
    }

    public int queryCount() {
        return nq;
    }

    public int galleryCount() {
        return n;
    }

    /** Row-major nq×n log-scores of method m (larger is better). */
    public double[] scores(Method m, NormParams p) {
        if (m.needsQueryBank() && queryBank == null) {
            throw new IllegalArgumentException("method [" + m.externalName() + "] needs a query bank");
        }
        if (m.needsGalleryBank() && galleryBank == null) {
            throw new IllegalArgumentException("method [" + m.externalName() + "] needs a gallery bank");
        }
        double[] s = rawSimilarities();
        if (m == Method.NONE) {
            return s.clone();
        }
        DocTerms terms = DocTermsCalculator.fromSimilarities(
                querySimilarities(), n, mq, m.needsGalleryBank() ? gallerySimilarities() : null, mg, p);
        boolean[] gateQ = new boolean[nq];
        boolean[] gateG = new boolean[nq];
        if (m.isGated()) {
            int[] t = top1();
            BitSet aq = queryActivationSet(p.activationK());
            BitSet ag = m.needsGalleryBank() ? galleryActivationSet(p.activationK()) : new BitSet();
            for (int q = 0; q < nq; q++) {
                gateQ[q] = aq.get(t[q]);
                gateG[q] = ag.get(t[q]);
            }
        }
        double[] out = new double[nq * n];
        for (int q = 0; q < nq; q++) {
            for (int g = 0; g < n; g++) {
                out[q * n + g] = LogScore.of(
                        m,
                        s[q * n + g],
                        DocTerms.at(terms.lq(), g),
                        DocTerms.at(terms.lg(), g),
                        DocTerms.at(terms.cslsR(), g),
                        DocTerms.at(terms.nnnBias(), g),
                        gateQ[q],
                        gateG[q],
                        p);
            }
        }
        return out;
    }

    /** s(q, g), row-major nq×n. Shared; do not modify. */
    public double[] rawSimilarities() {
        if (raw == null) {
            raw = exactSimilarities(queries, nq, gallery, n);
        }
        return raw;
    }

    /** t(q): each query's global top-1 gallery index by raw similarity, ties to the smaller index. */
    public int[] top1() {
        if (top1 == null) {
            double[] s = rawSimilarities();
            top1 = new int[nq];
            for (int q = 0; q < nq; q++) {
                int best = 0;
                for (int g = 1; g < n; g++) {
                    if (s[q * n + g] > s[q * n + best]) {
                        best = g;
                    }
                }
                top1[q] = best;
            }
        }
        return top1;
    }

    public BitSet queryActivationSet(int k) {
        return queryActivation.computeIfAbsent(
                k, kk -> ActivationSets.fromSimilarities(querySimilarities(), n, mq, kk));
    }

    public BitSet galleryActivationSet(int k) {
        return galleryActivation.computeIfAbsent(
                k, kk -> ActivationSets.fromSimilarities(gallerySimilarities(), n, mg, kk));
    }

    private double[] querySimilarities() {
        if (simQ == null) {
            simQ = exactSimilarities(gallery, n, queryBank, mq);
        }
        return simQ;
    }

    private double[] gallerySimilarities() {
        if (simG == null) {
            simG = exactSimilarities(gallery, n, galleryBank, mg);
        }
        return simG;
    }

    /** s(row i of a, row j of b) at {@link DotPrecision#DOUBLE}, row-major na×nb. */
    private double[] exactSimilarities(float[] a, int na, float[] b, int nb) {
        double[] out = new double[na * nb];
        SimilarityBlocks.compute(similarity, a, 0, na, new BankMatrix(b, nb, d), DotPrecision.DOUBLE, null, out);
        return out;
    }
}

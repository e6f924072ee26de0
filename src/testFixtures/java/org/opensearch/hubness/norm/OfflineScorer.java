package org.opensearch.hubness.norm;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The full |Q|×|G| log-score matrix of a method: the reference the evaluator reports on and the oracle
 * the server is checked against. Every similarity is computed at {@link DotPrecision#DOUBLE}, so the
 * log-scores match a float64 computation from the same float32 inputs to ~1e-12.
 * Inputs ({@link ScoringInputs}) must already be prepared ({@link Similarity#prepareRows}). Similarities that do not depend on
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

    /** The similarity matrices, computed on first use: s(q, g) nq×n, s(b, g) gallery-major n×mq and n×mg. */
    private enum Pairs {
        QUERIES_GALLERY,
        GALLERY_QUERY_BANK,
        GALLERY_GALLERY_BANK
    }

    private final double[][] similarities = new double[Pairs.values().length][];
    private int[] top1;
    private final Map<Integer, BitSet> queryActivation = new HashMap<>();
    private final Map<Integer, BitSet> galleryActivation = new HashMap<>();

    public OfflineScorer(ScoringInputs in) {
        this.similarity = in.similarity();
        this.queries = in.queries();
        this.nq = in.nq();
        this.gallery = in.gallery();
        this.n = in.n();
        this.queryBank = in.queryBank();
        this.mq = in.mq();
        this.galleryBank = in.galleryBank();
        this.mg = in.mg();
        this.d = in.d();
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
        return similarities(Pairs.QUERIES_GALLERY);
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
        return similarities(Pairs.GALLERY_QUERY_BANK);
    }

    private double[] gallerySimilarities() {
        return similarities(Pairs.GALLERY_GALLERY_BANK);
    }

    private double[] similarities(Pairs pairs) {
        double[] s = similarities[pairs.ordinal()];
        if (s == null) {
            s = switch (pairs) {
                case QUERIES_GALLERY -> exactSimilarities(queries, nq, gallery, n);
                case GALLERY_QUERY_BANK -> exactSimilarities(gallery, n, queryBank, mq);
                case GALLERY_GALLERY_BANK -> exactSimilarities(gallery, n, galleryBank, mg);
            };
            similarities[pairs.ordinal()] = s;
        }
        return s;
    }

    /** s(row i of a, row j of b) at {@link DotPrecision#DOUBLE}, row-major na×nb. */
    private double[] exactSimilarities(float[] a, int na, float[] b, int nb) {
        double[] out = new double[na * nb];
        SimilarityBlocks.exact(similarity, a, 0, na, new BankMatrix(b, nb, d), out);
        return out;
    }
}

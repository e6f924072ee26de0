package org.opensearch.hubness.norm;

/**
 * Computes {@link DocTerms} for gallery documents against the banks. The gallery is processed in
 * blocks of {@link #BLOCK} documents against the whole bank, so memory stays at BLOCK × bank size
 * whatever the gallery size. Inputs must already be prepared ({@link Similarity#prepareRows}).
 */
public final class DocTermsCalculator {

    /** Gallery documents per block of similarities. */
    static final int BLOCK = 256;

    private DocTermsCalculator() {}

    /** The fast path: similarities in float SIMD lanes, reductions in double. */
    public static DocTerms compute(float[] gallery, int n, float[] queryBank, int mq, float[] galleryBank, int mg,
                                   int d, NormParams p) {
        return compute(gallery, n, queryBank, mq, galleryBank, mg, d, p, DotPrecision.FLOAT);
    }

    public static DocTerms compute(float[] gallery, int n, float[] queryBank, int mq, float[] galleryBank, int mg,
                                   int d, NormParams p, DotPrecision precision) {
        return compute(Similarity.DOT, gallery, n, queryBank, mq, galleryBank, mg, d, p, precision);
    }

    /** With s of the bank's similarity (l2 is not a dot product); the inputs prepared by that similarity. */
    public static DocTerms compute(Similarity sim, float[] gallery, int n, float[] queryBank, int mq, float[] galleryBank,
                                   int mg, int d, NormParams p, DotPrecision precision) {
        boolean hasQ = queryBank != null && mq > 0;
        boolean hasG = galleryBank != null && mg > 0;
        double[] lq = hasQ ? new double[n] : null;
        double[] csls = hasQ ? new double[n] : null;
        double[] nnn = hasQ ? new double[n] : null;
        double[] lg = hasG ? new double[n] : null;
        double[] simsQ = hasQ ? new double[Math.min(BLOCK, n) * mq] : null;
        double[] simsG = hasG ? new double[Math.min(BLOCK, n) * mg] : null;
        for (int start = 0; start < n; start += BLOCK) {
            int rows = Math.min(BLOCK, n - start);
            if (hasQ) {
                SimilarityBlocks.compute(sim, gallery, start, rows, queryBank, mq, d, precision, simsQ);
                for (int i = 0; i < rows; i++) {
                    queryBankTerms(simsQ, i * mq, mq, p, start + i, lq, csls, nnn);
                }
            }
            if (hasG) {
                SimilarityBlocks.compute(sim, gallery, start, rows, galleryBank, mg, d, precision, simsG);
                for (int i = 0; i < rows; i++) {
                    lg[start + i] = RowStats.logSumExp(simsG, i * mg, mg, p.betaGallery());
                }
            }
        }
        return new DocTerms(n, lq, lg, csls, nnn);
    }

    /** Terms of one document (e.g. a newly indexed one). */
    public static DocTerms computeSingle(float[] doc, float[] queryBank, int mq, float[] galleryBank, int mg, int d,
                                         NormParams p) {
        return compute(doc, 1, queryBank, mq, galleryBank, mg, d, p);
    }

    /** Terms of one document under the bank's similarity. */
    public static DocTerms computeSingle(Similarity sim, float[] doc, float[] queryBank, int mq, float[] galleryBank, int mg,
                                         int d, NormParams p) {
        return compute(sim, doc, 1, queryBank, mq, galleryBank, mg, d, p, DotPrecision.FLOAT);
    }

    /**
     * From precomputed similarities: simQ is n×mq (row g holds s(b, g) for every query-bank row b),
     * simG is n×mg; either may be null.
     */
    public static DocTerms fromSimilarities(double[] simQ, int n, int mq, double[] simG, int mg, NormParams p) {
        double[] lq = simQ != null ? new double[n] : null;
        double[] csls = simQ != null ? new double[n] : null;
        double[] nnn = simQ != null ? new double[n] : null;
        double[] lg = simG != null ? new double[n] : null;
        for (int g = 0; g < n; g++) {
            if (simQ != null) {
                queryBankTerms(simQ, g * mq, mq, p, g, lq, csls, nnn);
            }
            if (simG != null) {
                lg[g] = RowStats.logSumExp(simG, g * mg, mg, p.betaGallery());
            }
        }
        return new DocTerms(n, lq, lg, csls, nnn);
    }

    private static void queryBankTerms(double[] sims, int off, int m, NormParams p, int g,
                                       double[] lq, double[] csls, double[] nnn) {
        lq[g] = RowStats.logSumExp(sims, off, m, p.betaQuery());
        csls[g] = RowStats.meanOfLargest(sims, off, m, p.cslsK());
        nnn[g] = RowStats.meanOfLargest(sims, off, m, p.nnnK());
    }
}

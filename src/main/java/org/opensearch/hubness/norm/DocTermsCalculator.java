package org.opensearch.hubness.norm;

/**
 * Computes {@link DocTerms} for gallery documents against the banks. The gallery is processed in
 * blocks of {@link #BLOCK} documents against the whole bank, so memory stays at BLOCK × bank size
 * whatever the gallery size. Inputs must already be prepared ({@link Similarity#prepareRows}).
 */
public final class DocTermsCalculator {

    /** Gallery documents per block of similarities: the one block size of the bank arithmetic. */
    public static final int BLOCK = SimilarityBlocks.ROWS;

    private DocTermsCalculator() {}

    /** The fast path with s = x·y: similarities in float SIMD lanes, reductions in double. */
    public static DocTerms compute(
            float[] gallery, int n, float[] queryBank, int mq, float[] galleryBank, int mg, int d, NormParams p) {
        return compute(
                Similarity.DOT,
                gallery,
                n,
                BankMatrix.of(queryBank, mq, d),
                BankMatrix.of(galleryBank, mg, d),
                p,
                DotPrecision.FLOAT);
    }

    /**
     * With s of the bank's similarity (l2 is not a dot product), the inputs prepared by it; the banks packed once by
     * the caller when it computes many batches against one bank version ({@link BankMatrix#of} for plain rows).
     */
    public static DocTerms compute(
            Similarity sim,
            float[] gallery,
            int n,
            BankMatrix queryBank,
            BankMatrix galleryBank,
            NormParams p,
            DotPrecision precision) {
        DocTerms terms = DocTerms.allocate(n, !queryBank.isEmpty(), !galleryBank.isEmpty());
        BlockSimilarities sims = new BlockSimilarities(sim, queryBank, galleryBank, Math.min(BLOCK, n));
        for (int start = 0; start < n; start += BLOCK) {
            int rows = Math.min(BLOCK, n - start);
            sims.compute(gallery, start, rows, precision);
            for (int i = 0; i < rows; i++) {
                sims.loadRow(i);
                sims.fillTerms(p, terms, start + i);
            }
        }
        return terms;
    }

    /** Terms of one document (e.g. a newly indexed one). */
    public static DocTerms computeSingle(
            float[] doc, float[] queryBank, int mq, float[] galleryBank, int mg, int d, NormParams p) {
        return compute(doc, 1, queryBank, mq, galleryBank, mg, d, p);
    }

    /** Terms of one document under the bank's similarity. */
    public static DocTerms computeSingle(
            Similarity sim, float[] doc, float[] queryBank, int mq, float[] galleryBank, int mg, int d, NormParams p) {
        return compute(
                sim, doc, 1, BankMatrix.of(queryBank, mq, d), BankMatrix.of(galleryBank, mg, d), p, DotPrecision.FLOAT);
    }

    /**
     * From precomputed similarities: simQ is n×mq (row g holds s(b, g) for every query-bank row b),
     * simG is n×mg; either may be null.
     */
    public static DocTerms fromSimilarities(double[] simQ, int n, int mq, double[] simG, int mg, NormParams p) {
        DocTerms terms = DocTerms.allocate(n, simQ != null, simG != null);
        fillTerms(simQ, mq, simG, mg, n, p, terms, 0);
        return terms;
    }

    /** Terms of {@code rows} gallery rows from their similarities (row-major, rows × m), into terms[off..off+rows). */
    static void fillTerms(
            double[] simQ, int mq, double[] simG, int mg, int rows, NormParams p, DocTerms terms, int off) {
        // one selection of the largest serves both means: the K largest are the first K of the max(K, k) largest
        int cslsK = Math.min(p.cslsK(), mq), nnnK = Math.min(p.nnnK(), mq);
        double[] largest = new double[Math.max(cslsK, nnnK)];
        for (int i = 0; i < rows; i++) {
            int g = off + i;
            if (terms.lq() != null) {
                terms.lq()[g] = RowStats.logSumExp(simQ, i * mq, mq, p.betaQuery());
                RowStats.largest(simQ, i * mq, mq, largest, largest.length);
                terms.cslsR()[g] = RowStats.meanOfFirst(largest, cslsK);
                terms.nnnBias()[g] = RowStats.meanOfFirst(largest, nnnK);
            }
            if (terms.lg() != null) {
                terms.lg()[g] = RowStats.logSumExp(simG, i * mg, mg, p.betaGallery());
            }
        }
    }
}

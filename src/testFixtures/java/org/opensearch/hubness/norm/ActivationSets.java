package org.opensearch.hubness.norm;

import java.util.BitSet;

/**
 * The activation set of a bank: the union over bank rows of their top-k gallery documents by
 * similarity (exact; ties go to the smaller gallery index). The gallery streams past the bank in
 * blocks, and only k (value, index) pairs per bank row are kept, so memory is bounded.
 */
public final class ActivationSets {

    private ActivationSets() {}

    public static BitSet compute(float[] gallery, int n, float[] bank, int m, int d, int k) {
        return compute(gallery, n, bank, m, d, k, DotPrecision.FLOAT);
    }

    public static BitSet compute(float[] gallery, int n, float[] bank, int m, int d, int k, DotPrecision precision) {
        return compute(Similarity.DOT, gallery, n, bank, m, d, k, precision);
    }

    /** With s of the bank's similarity; the inputs prepared by it. */
    public static BitSet compute(
            Similarity sim, float[] gallery, int n, float[] bank, int m, int d, int k, DotPrecision precision) {
        TopKTracker top = new TopKTracker(m, k);
        BlockSimilarities sims = new BlockSimilarities(
                sim, BankMatrix.of(bank, m, d), BankMatrix.of(null, 0, d), Math.min(DocTermsCalculator.BLOCK, n));
        for (int start = 0; start < n; start += DocTermsCalculator.BLOCK) {
            int rows = Math.min(DocTermsCalculator.BLOCK, n - start);
            sims.compute(gallery, start, rows, precision);
            for (int i = 0; i < rows; i++) {
                sims.loadRow(i);
                offerBlock(top, sims.rowQ, start + i, 1, m);
            }
        }
        return union(top);
    }

    /** From precomputed gallery-major similarities: sim[g*m + b] = s(bank row b, gallery row g). */
    public static BitSet fromSimilarities(double[] sim, int n, int m, int k) {
        TopKTracker top = new TopKTracker(m, k);
        offerBlock(top, sim, 0, n, m);
        return union(top);
    }

    private static void offerBlock(TopKTracker top, double[] sims, int start, int rows, int m) {
        for (int i = 0; i < rows; i++) {
            for (int b = 0; b < m; b++) {
                top.offer(b, sims[i * m + b], start + i);
            }
        }
    }

    private static BitSet union(TopKTracker top) {
        BitSet set = new BitSet();
        for (int b = 0; b < top.lists(); b++) {
            for (int r = 0; r < top.count(b); r++) {
                set.set(top.index(b, r));
            }
        }
        return set;
    }
}

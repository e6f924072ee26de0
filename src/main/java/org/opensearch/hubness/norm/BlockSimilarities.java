package org.opensearch.hubness.norm;

/**
 * The similarities s of one block of gallery rows against both banks, with buffers sized once for the largest block
 * (one instance per thread): simQ is rows × |query bank|, simG rows × |gallery bank|, both gallery-major.
 */
final class BlockSimilarities {

    private final Similarity similarity;
    private final BankMatrix queryBank;
    private final BankMatrix galleryBank;
    private final int maxRows;
    private final float[] scratch;
    final double[] simQ;
    final double[] simG;

    BlockSimilarities(Similarity similarity, BankMatrix queryBank, BankMatrix galleryBank, int maxRows) {
        this.similarity = similarity;
        this.queryBank = queryBank;
        this.galleryBank = galleryBank;
        this.maxRows = maxRows;
        this.scratch = new float[maxRows * Math.max(queryBank.count(), galleryBank.count())];
        this.simQ = queryBank.isEmpty() ? null : new double[maxRows * queryBank.count()];
        this.simG = galleryBank.isEmpty() ? null : new double[maxRows * galleryBank.count()];
    }

    int maxRows() {
        return maxRows;
    }

    /** Rows [row0, row0+rows) of the prepared row-major gallery against both banks. */
    void compute(float[] gallery, int row0, int rows, DotPrecision precision) {
        if (simQ != null) {
            SimilarityBlocks.compute(similarity, gallery, row0, rows, queryBank, precision, scratch, simQ);
        }
        if (simG != null) {
            SimilarityBlocks.compute(similarity, gallery, row0, rows, galleryBank, precision, scratch, simG);
        }
    }

    /** The bank terms of the block's rows, into terms[off..off+rows). */
    void fillTerms(int rows, NormParams p, DocTerms terms, int off) {
        DocTermsCalculator.fillTerms(simQ, queryBank.count(), simG, galleryBank.count(), 0, rows, p, terms, off);
    }

    /** The bank terms of row {@code row} of the block, into terms[row]. */
    void fillTerms(int row, NormParams p, DocTerms terms) {
        DocTermsCalculator.fillTerms(simQ, queryBank.count(), simG, galleryBank.count(), row, 1, p, terms, row);
    }
}

package org.opensearch.hubness.norm;

import org.opensearch.hubness.kernel.VectorKernels;

/**
 * The similarities s of one block of gallery rows against both banks, with buffers sized once for the largest block
 * (one instance per thread). {@link #compute} keeps the block's dot products as the kernel wrote them (float, or
 * double when exact); {@link #loadRow} widens one row into {@link #rowQ} and {@link #rowG}, in double, so the row's
 * terms and offers all read it from cache rather than each streaming a whole block of doubles.
 */
final class BlockSimilarities {

    private final Similarity similarity;
    private final BankMatrix queryBank;
    private final BankMatrix galleryBank;
    private final int maxRows;
    private final float[] dotsQ;
    private final float[] dotsG;
    /** Exact dot products (DotPrecision.DOUBLE), allocated on first use. */
    private double[] exactQ;

    private double[] exactG;
    /** l2: ‖x‖² of each row of the block, exact in double. */
    private final double[] rowNorms;

    private DotPrecision precision = DotPrecision.FLOAT;
    /** s of the loaded row against every query-bank row (null without a query bank). */
    final double[] rowQ;
    /** s of the loaded row against every gallery-bank row (null without a gallery bank). */
    final double[] rowG;

    BlockSimilarities(Similarity similarity, BankMatrix queryBank, BankMatrix galleryBank, int maxRows) {
        this.similarity = similarity;
        this.queryBank = queryBank;
        this.galleryBank = galleryBank;
        this.maxRows = maxRows;
        this.dotsQ = queryBank.isEmpty() ? null : new float[maxRows * queryBank.count()];
        this.dotsG = galleryBank.isEmpty() ? null : new float[maxRows * galleryBank.count()];
        this.rowQ = queryBank.isEmpty() ? null : new double[queryBank.count()];
        this.rowG = galleryBank.isEmpty() ? null : new double[galleryBank.count()];
        this.rowNorms = similarity == Similarity.L2 ? new double[maxRows] : null;
    }

    int maxRows() {
        return maxRows;
    }

    /** Rows [row0, row0+rows) of the prepared row-major gallery against both banks. */
    void compute(float[] gallery, int row0, int rows, DotPrecision precision) {
        this.precision = precision;
        if (precision == DotPrecision.DOUBLE) {
            if (dotsQ != null && exactQ == null) exactQ = new double[dotsQ.length];
            if (dotsG != null && exactG == null) exactG = new double[dotsG.length];
        }
        if (dotsQ != null) dots(gallery, row0, rows, queryBank, dotsQ, exactQ);
        if (dotsG != null) dots(gallery, row0, rows, galleryBank, dotsG, exactG);
        if (rowNorms != null && precision == DotPrecision.FLOAT) {
            int d = queryBank.dimension();
            for (int i = 0; i < rows; i++) {
                int off = (row0 + i) * d;
                rowNorms[i] = SimilarityBlocks.exactDot(gallery, off, gallery, off, d);
            }
        }
    }

    private void dots(float[] a, int aRow0, int na, BankMatrix bank, float[] floats, double[] exact) {
        if (precision == DotPrecision.DOUBLE) {
            SimilarityBlocks.exact(similarity, a, aRow0, na, bank, exact); // l2 included
        } else if (na == 1 && !bank.isPacked()) {
            // one document (a search-time miss): packing the bank would cost as much as the dots themselves
            VectorKernels.dotOneToMany(a, aRow0, bank.rows(), bank.count(), bank.dimension(), floats);
        } else {
            VectorKernels.dotManyToMany(a, aRow0, na, bank.packed(), floats);
        }
    }

    /** Row i of the last computed block into {@link #rowQ} and {@link #rowG}. */
    void loadRow(int i) {
        if (rowQ != null) widen(i, queryBank, dotsQ, exactQ, rowQ);
        if (rowG != null) widen(i, galleryBank, dotsG, exactG, rowG);
    }

    private void widen(int i, BankMatrix bank, float[] floats, double[] exact, double[] row) {
        int nb = bank.count(), off = i * nb;
        if (precision == DotPrecision.DOUBLE) {
            System.arraycopy(exact, off, row, 0, nb);
            return;
        }
        for (int j = 0; j < nb; j++) {
            row[j] = floats[off + j];
        }
        if (rowNorms != null) {
            double[] bankNorms = bank.squaredNorms();
            for (int j = 0; j < nb; j++) {
                row[j] = SimilarityBlocks.negativeSquaredDistance(row[j], rowNorms[i], bankNorms[j]);
            }
        }
    }

    /** The bank terms of the loaded row, into terms[t]. */
    void fillTerms(NormParams p, DocTerms terms, int t) {
        DocTermsCalculator.fillTerms(rowQ, queryBank.count(), rowG, galleryBank.count(), 1, p, terms, t);
    }
}

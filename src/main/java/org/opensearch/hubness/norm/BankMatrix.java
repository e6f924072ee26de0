package org.opensearch.hubness.norm;

import org.opensearch.hubness.kernel.PackedRows;
import org.opensearch.hubness.kernel.VectorKernels;

/**
 * One bank as the similarity blocks read it: its row-major rows (for the exact double path) and, packed once for
 * the kernel, the same rows in the kernel's panel layout (for the float path), so every gallery block reuses the
 * packing. Immutable; shared by the threads of a build.
 */
public final class BankMatrix {

    private final float[] rows;
    private final int count;
    private final int dimension;
    private volatile PackedRows packed;
    private volatile double[] squaredNorms;

    public BankMatrix(float[] rows, int count, int dimension) {
        if (count > 0 && (rows == null || rows.length < count * dimension)) {
            throw new IllegalArgumentException(
                    "bank has " + (rows == null ? 0 : rows.length) + " values, expected " + count + "×" + dimension);
        }
        this.rows = rows;
        this.count = count;
        this.dimension = dimension;
    }

    /** Null or empty rows give an empty bank. */
    public static BankMatrix of(float[] rows, int count, int dimension) {
        return new BankMatrix(rows, rows == null ? 0 : count, dimension);
    }

    public int count() {
        return count;
    }

    public int dimension() {
        return dimension;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    float[] rows() {
        return rows;
    }

    boolean isPacked() {
        return packed != null;
    }

    /** ‖row‖² of every row, exact in double (l2 reads them for every gallery row), computed on first use like the packing. */
    double[] squaredNorms() {
        double[] norms = squaredNorms;
        if (norms == null) {
            norms = new double[count];
            for (int j = 0; j < count; j++) {
                norms[j] = SimilarityBlocks.exactDot(rows, j * dimension, rows, j * dimension, dimension);
            }
            squaredNorms = norms;
        }
        return norms;
    }

    /** The kernel's packing, made on first use (a benign race: two threads may both pack, with equal results). */
    PackedRows packed() {
        PackedRows p = packed;
        if (p == null) {
            p = VectorKernels.pack(rows, count, dimension);
            packed = p;
        }
        return p;
    }
}

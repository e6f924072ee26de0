package org.opensearch.hubness.kernel;

/**
 * The blocked dot-product kernel the bank arithmetic is built on. Two implementations with the same loop nest
 * ({@link BlockedProduct}, in {@link TiledKernel}) exist: {@link PanamaKernel} (SIMD lanes) and {@link ScalarKernel} (plain Java);
 * {@link VectorKernels} picks one at class load. Callers validate inputs (see {@link FiniteCheck}); the kernels do
 * no bounds or NaN checks of their own beyond what the JVM does.
 *
 * <p>Every output is bit-identical whatever the block it is computed in: a row's similarity to a bank row does
 * not depend on the row's position in a, on na, or on which other rows share the call.
 */
public interface Kernel {

    /** Packs the row-major n×d matrix for repeated {@link #dotManyToMany(float[], int, int, PackedRows, float[])}. */
    PackedRows pack(float[] rows, int n, int d);

    /**
     * out[i*nb+j] = dot(row aRow0+i of a, row j of b) for i in [0, na), j in [0, nb), nb = b.rows(); a is row-major
     * with rows of b.dimension() components.
     */
    void dotManyToMany(float[] a, int aRow0, int na, PackedRows b, float[] out);

    /** out[i*nb+j] = dot(row i of a, row j of b); a is na×d and b is nb×d, both row-major. Packs b on every call. */
    default void dotManyToMany(float[] a, int na, float[] b, int nb, int d, float[] out) {
        dotManyToMany(a, 0, na, pack(b, nb, d), out);
    }

    /**
     * out[j] = dot(row qRow of q, row j of b) for the row-major nb×d matrix b, without packing b: for one document
     * against a bank (a search-time cache miss). Bit-identical to the same pair in
     * {@link #dotManyToMany(float[], int, int, PackedRows, float[])}.
     */
    void dotOneToMany(float[] q, int qRow, float[] b, int nb, int d, float[] out);

    /** A short human-readable name, e.g. "panama-512bit-16lanes-fma" or "scalar". */
    String name();
}

package org.opensearch.hubness.kernel;

/**
 * The dot-product and log-sum-exp primitives the normalisation code is built on.
 * Two implementations with the same loop structure exist: {@link PanamaKernel} (SIMD lanes) and
 * {@link ScalarKernel} (plain Java); {@link VectorKernels} picks one at class load.
 * Callers validate inputs (see {@link FiniteCheck}); the kernels do no bounds or NaN checks of their own
 * beyond what the JVM does.
 */
public interface Kernel {

    /** Σ_i a[aOff+i]·b[bOff+i] for i in [0, d). */
    float dot(float[] a, int aOff, float[] b, int bOff, int d);

    /** out[i] = dot(q, row i of {@code rows}) for the row-major n×d matrix {@code rows}. */
    void dotOneToMany(float[] q, float[] rows, int n, int d, float[] out);

    /** out[i*nb+j] = dot(row i of a, row j of b); a is na×d and b is nb×d, both row-major. */
    void dotManyToMany(float[] a, int na, float[] b, int nb, int d, float[] out);

    /** log Σ_i exp(scale·x[off+i]), computed stably in double (max first, then Σ exp(v − max)). */
    double logSumExp(float[] x, int off, int n, double scale);

    /** A short human-readable name, e.g. "panama-512bit-16lanes" or "scalar". */
    String name();
}

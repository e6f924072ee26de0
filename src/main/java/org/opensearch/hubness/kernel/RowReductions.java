/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.kernel;

/**
 * The reductions a bank build runs over each row of similarities after the product: a log-sum-exp, and searches for
 * the few entries that reach a threshold (a top-k list's current k-th best), so that the top-k bookkeeping runs only
 * for those. Two implementations: {@link PanamaRowReductions} (SIMD lanes, a polynomial exp) and
 * {@link ScalarRowReductions} (plain Java, {@link Math#exp}); {@link VectorKernels#rows()} picks one at class load, with
 * the same rule as the dot-product kernel. Both give every row the same result wherever the row sits (a row's result
 * depends only on its own values), so the bank terms stay bit-identical on every split of a gallery; the two differ in
 * the last bits of a log-sum-exp (the order of the sum and the exp's rounding, about 1e-15 relative).
 */
public interface RowReductions {

    /** log Σ_{i<n} exp(scale·x[off+i]) in double, with the maximum taken out first so no term overflows; −∞ for n = 0. */
    double logSumExp(double[] x, int off, int n, double scale);

    /**
     * The first i in [from, n) with (a·x[xOff+i] − c1) − c2 ≥ floor[fOff+i] (computed in double exactly so, in this
     * order), or n when there is none.
     */
    int nextAtLeast(double[] x, int xOff, double a, double c1, double c2, double[] floor, int fOff, int from, int n);

    /** The first i in [from, n) with x[off+i] > threshold, or n when there is none. */
    int nextAbove(double[] x, int off, double threshold, int from, int n);

    /** A short human-readable name, e.g. "panama-512bit-8lanes-fma" or "scalar". */
    String name();
}

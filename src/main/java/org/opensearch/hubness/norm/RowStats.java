package org.opensearch.hubness.norm;

import org.opensearch.hubness.kernel.RowReductions;
import org.opensearch.hubness.kernel.VectorKernels;

/**
 * Reductions over one row of similarities: log-sum-exp and the mean of the k largest. The scans run in the row
 * kernel ({@link VectorKernels#rows()}): the exp-sum in SIMD lanes, and the k largest by a threshold (the current k-th
 * largest) that whole vectors of the row are compared against, so the insertion runs only for the few values above it.
 */
final class RowStats {

    private static final RowReductions ROWS = VectorKernels.rows();

    private RowStats() {}

    /** log Σ exp(scale·x_i) in double: max first so every exp is ≤ 1. */
    static double logSumExp(double[] x, int off, int n, double scale) {
        return ROWS.logSumExp(x, off, n, scale);
    }

    /** Mean of the min(k, n) largest values (k is clamped to the bank size). */
    static double meanOfLargest(double[] x, int off, int n, int k) {
        int kk = Math.min(k, n);
        if (kk == 0) {
            return 0;
        }
        double[] best = new double[kk];
        largest(x, off, n, best, kk);
        return meanOfFirst(best, kk);
    }

    /** best[0..kk) = the kk largest of x[off..off+n), descending; kk ≤ n. */
    static void largest(double[] x, int off, int n, double[] best, int kk) {
        int count = 0;
        for (int i = 0; i < n; i++) { // the first kk values fill the list
            if (count == kk) {
                // from here on only values above the k-th largest change the list: found by the row kernel
                for (i = ROWS.nextAbove(x, off, best[kk - 1], i, n);
                        i < n;
                        i = ROWS.nextAbove(x, off, best[kk - 1], i + 1, n)) {
                    insert(best, kk - 1, x[off + i]);
                }
                return;
            }
            insert(best, count++, x[off + i]);
        }
    }

    /** Puts v at pos (the list's first free slot, or its last one, which v displaces) and moves it up into order. */
    private static void insert(double[] best, int pos, double v) {
        while (pos > 0 && best[pos - 1] < v) {
            best[pos] = best[pos - 1];
            pos--;
        }
        best[pos] = v;
    }

    /** Mean of best[0..k), added in that order (largest first). */
    static double meanOfFirst(double[] best, int k) {
        if (k == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += best[i];
        }
        return sum / k;
    }
}

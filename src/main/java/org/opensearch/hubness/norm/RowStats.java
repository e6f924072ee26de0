package org.opensearch.hubness.norm;

/** Reductions over one row of similarities: log-sum-exp and mean of the k largest. */
final class RowStats {

    private RowStats() {}

    /** log Σ exp(scale·x_i) in double: max first so every exp is ≤ 1. */
    static double logSumExp(double[] x, int off, int n, double scale) {
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            top = Math.max(top, scale * x[off + i]);
        }
        if (n == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(scale * x[off + i] - top);
        }
        return top + Math.log(sum);
    }

    /** Mean of the min(k, n) largest values (k is clamped to the bank size). */
    static double meanOfLargest(double[] x, int off, int n, int k) {
        int kk = Math.min(k, n);
        if (kk == 0) {
            return 0;
        }
        double[] best = new double[kk]; // descending
        int count = 0;
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            if (count == kk && v <= best[kk - 1]) {
                continue;
            }
            int pos = count < kk ? count++ : kk - 1;
            while (pos > 0 && best[pos - 1] < v) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = v;
        }
        double sum = 0;
        for (int i = 0; i < kk; i++) {
            sum += best[i];
        }
        return sum / kk;
    }
}

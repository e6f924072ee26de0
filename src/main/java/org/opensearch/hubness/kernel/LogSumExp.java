package org.opensearch.hubness.kernel;

/** The shared double-precision log-sum-exp tail used by both kernels once the maximum is known. */
final class LogSumExp {

    private LogSumExp() {}

    /**
     * log Σ exp(scale·x_i) given max and min of x over the range. The largest scaled value is
     * scale·max for scale ≥ 0 and scale·min otherwise; subtracting it keeps every exp ≤ 1.
     */
    static double fromExtremes(float[] x, int off, int n, double scale, float max, float min) {
        if (n <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double top = scale >= 0 ? scale * max : scale * min;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(scale * x[off + i] - top);
        }
        return top + Math.log(sum);
    }
}

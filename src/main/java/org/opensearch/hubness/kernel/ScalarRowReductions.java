/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.kernel;

/** Plain-Java twin of {@link PanamaRowReductions}: the reference loops, {@link Math#exp} per term. */
public final class ScalarRowReductions implements RowReductions {

    @Override
    public double logSumExp(double[] x, int off, int n, double scale) {
        if (n == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            top = Math.max(top, scale * x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(scale * x[off + i] - top);
        }
        return top + Math.log(sum);
    }

    @Override
    public int nextAtLeast(
            double[] x, int xOff, double a, double c1, double c2, double[] floor, int fOff, int from, int n) {
        for (int i = from; i < n; i++) {
            if ((a * x[xOff + i] - c1) - c2 >= floor[fOff + i]) {
                return i;
            }
        }
        return n;
    }

    @Override
    public int nextAbove(double[] x, int off, double threshold, int from, int n) {
        for (int i = from; i < n; i++) {
            if (x[off + i] > threshold) {
                return i;
            }
        }
        return n;
    }

    @Override
    public String name() {
        return "scalar";
    }
}

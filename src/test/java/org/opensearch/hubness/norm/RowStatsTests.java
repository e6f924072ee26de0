package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The row reductions the bank terms are made of. */
class RowStatsTests {

    @Test
    void logSumExpMatchesNaiveDouble() {
        Random random = new Random(42);
        for (int n = 1; n <= 300; n += 7) {
            double[] x = new double[n + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat() * 2 - 1;
            }
            for (double scale : new double[] {0, 1, 3, 20, -5}) {
                double naive = 0;
                for (int i = 0; i < n; i++) {
                    naive += Math.exp(scale * x[2 + i]);
                }
                assertEquals(Math.log(naive), RowStats.logSumExp(x, 2, n, scale), 1e-12, "n=" + n + " scale=" + scale);
            }
        }
    }

    @Test
    void logSumExpIsStableWhereTheNaiveSumOverflows() {
        double[] x = {1.0, 0.999, 0.5};
        double scale = 1000; // exp(1000) overflows a double
        double expected = 1000 + Math.log(1 + Math.exp(1000 * (0.999 - 1)) + Math.exp(1000 * (0.5 - 1)));
        assertEquals(expected, RowStats.logSumExp(x, 0, 3, scale), 1e-9);
        assertEquals(
                -5 * 0.5
                        + Math.log(Math.exp(-5 * 0.5) / Math.exp(-5 * 0.5)
                                + Math.exp(-5 * (0.999 - 0.5))
                                + Math.exp(-5 * (1.0 - 0.5))),
                RowStats.logSumExp(x, 0, 3, -5),
                1e-12,
                "a negative scale takes its top from the smallest value");
        assertEquals(Double.NEGATIVE_INFINITY, RowStats.logSumExp(x, 0, 0, 1.0));
    }

    @Test
    void meanOfLargestClampsKToTheRow() {
        double[] x = {0.1, 0.9, 0.5, 0.7};
        assertEquals((0.9 + 0.7) / 2, RowStats.meanOfLargest(x, 0, 4, 2), 1e-15);
        assertEquals((0.1 + 0.9 + 0.5 + 0.7) / 4, RowStats.meanOfLargest(x, 0, 4, 10), 1e-15);
        assertEquals(0.5, RowStats.meanOfLargest(x, 2, 1, 3), 1e-15);
    }
}

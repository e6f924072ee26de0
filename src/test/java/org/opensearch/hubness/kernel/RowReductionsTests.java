package org.opensearch.hubness.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks whichever row reductions the facade picked (Panama with the module, scalar without: surefire runs the kernel
 * tests both ways) against the scalar twin: the log-sum-exp to 1e-13 (the exp polynomial and the order of the sum
 * differ), the threshold searches exactly, and a row's result independent of where it sits in its array.
 */
class RowReductionsTests {

    private static final RowReductions CHOSEN = VectorKernels.rows();
    private static final RowReductions SCALAR = new ScalarRowReductions();
    private static final Random RANDOM = new Random(7);

    private static double[] random(int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * RANDOM.nextDouble();
        return x;
    }

    @Test
    void facadeFollowsTheKernelChoice() {
        assertEquals(VectorKernels.isVectorized(), !(CHOSEN instanceof ScalarRowReductions), CHOSEN.name());
    }

    @Test
    void logSumExpAgreesWithTheScalarTwin() {
        int[] lengths = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, 10_000};
        for (int n : lengths) {
            double[] x = random(n + 5, -1, 1);
            for (double scale : new double[] {1e-3, 1, 3, 20, 333, 10_000, 0, -5}) {
                double expected = SCALAR.logSumExp(x, 5, n, scale);
                double actual = CHOSEN.logSumExp(x, 5, n, scale);
                if (n == 0) {
                    assertEquals(Double.NEGATIVE_INFINITY, actual);
                    continue;
                }
                assertEquals(expected, actual, 1e-13 * Math.max(1, Math.abs(expected)), "n=" + n + " scale=" + scale);
            }
        }
    }

    /** Terms from e^0 down to e^−745 (underflow): every one within a few ulps of Math.exp. */
    @Test
    void logSumExpIsAccurateOverTheWholeRangeOfTheExp() {
        for (int trial = 0; trial < 2000; trial++) {
            int n = 16 + RANDOM.nextInt(40);
            double[] x = random(n, -1, 0);
            x[RANDOM.nextInt(n)] = 0; // the top term is e^0 = 1
            double scale = Math.pow(10, RANDOM.nextDouble() * 3); // up to 1000: terms down to e^−1000
            double exact = 0;
            for (double v : x) exact += Math.exp(scale * v);
            assertEquals(Math.log(exact), CHOSEN.logSumExp(x, 0, n, scale), 1e-14, "scale " + scale);
        }
    }

    @Test
    void aRowGivesTheSameBitsWhereverItSits() {
        double[] row = random(1003, -1, 1);
        double alone = CHOSEN.logSumExp(row, 0, row.length, 20);
        for (int shift = 1; shift < 20; shift++) {
            double[] moved = new double[row.length + shift];
            System.arraycopy(row, 0, moved, shift, row.length);
            assertEquals(
                    Double.doubleToLongBits(alone),
                    Double.doubleToLongBits(CHOSEN.logSumExp(moved, shift, row.length, 20)));
        }
    }

    @Test
    void thresholdSearchesFindEveryHitInOrder() {
        for (int n : new int[] {0, 1, 5, 8, 9, 16, 17, 100, 1001}) {
            double[] x = random(n + 3, -1, 1);
            double[] floor = random(n + 2, 0.5, 1.5);
            for (int from = 0; from <= n; from++) {
                assertEquals(
                        SCALAR.nextAbove(x, 3, 0.9, from, n),
                        CHOSEN.nextAbove(x, 3, 0.9, from, n),
                        "n=" + n + " from=" + from);
                assertEquals(
                        SCALAR.nextAtLeast(x, 3, 20, 1.5, 2.5, floor, 2, from, n),
                        CHOSEN.nextAtLeast(x, 3, 20, 1.5, 2.5, floor, 2, from, n));
                assertEquals(
                        SCALAR.nextAtLeast(x, 3, 1, 0, 0, floor, 2, from, n),
                        CHOSEN.nextAtLeast(x, 3, 1, 0, 0, floor, 2, from, n));
            }
        }
        // equality counts as a hit for nextAtLeast, not for nextAbove
        double[] same = new double[20];
        java.util.Arrays.fill(same, 0.25);
        double[] floor = new double[20];
        java.util.Arrays.fill(floor, 0.5);
        floor[13] = 0.25;
        assertEquals(13, CHOSEN.nextAtLeast(same, 0, 1, 0, 0, floor, 0, 0, 20));
        assertEquals(20, CHOSEN.nextAbove(same, 0, 0.25, 0, 20));
        assertTrue(CHOSEN.name().equals("scalar") || CHOSEN.name().startsWith("panama-"));
    }
}

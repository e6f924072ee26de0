package org.opensearch.hubness.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks whichever kernel the facade picked (Panama with the module, scalar without: surefire runs this
 * class both ways) against the scalar twin and an exact double reference, over every length that
 * exercises the vector loops and their tails.
 */
class VectorKernelsTests {

    private static final Random RANDOM = new Random(42);
    private static final Kernel SCALAR = new ScalarKernel();

    private static float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = RANDOM.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static double exactDot(float[] a, int aOff, float[] b, int bOff, int d) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** A float sum of d products is within about d·ε·Σ|a_i b_i| of the exact value, whatever the order. */
    private static double tolerance(float[] a, int aOff, float[] b, int bOff, int d) {
        double mag = 0;
        for (int i = 0; i < d; i++) {
            mag += Math.abs((double) a[aOff + i] * b[bOff + i]);
        }
        return (d + 2) * 0x1p-23 * mag + 1e-30;
    }

    @Test
    void facadeMatchesModulePresence() {
        boolean modulePresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean forcedScalar = "scalar".equals(System.getProperty("hubness.kernel"));
        assertEquals(modulePresent && !forcedScalar, VectorKernels.isVectorized(), VectorKernels.implementationName());
        assertTrue(VectorKernels.implementationName().startsWith(VectorKernels.isVectorized() ? "panama-" : "scalar"));
    }

    @Test
    void dotAgreesWithScalarAndExactForEveryLength() {
        for (int d = 1; d <= 1100; d++) {
            float[] a = random(d + 3);
            float[] b = random(d + 5);
            double exact = exactDot(a, 3, b, 5, d);
            double tol = tolerance(a, 3, b, 5, d);
            float fast = VectorKernels.dot(a, 3, b, 5, d);
            float scalar = SCALAR.dot(a, 3, b, 5, d);
            assertEquals(exact, fast, tol, "facade dot, d=" + d);
            assertEquals(exact, scalar, tol, "scalar dot, d=" + d);
            assertEquals(scalar, fast, 2 * tol, "facade vs scalar, d=" + d);
        }
    }

    @Test
    void oneToManyAgreesWithSingleDots() {
        int[] dims = {1, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 384, 511, 512, 513, 768, 1099};
        int[] counts = {1, 2, 3, 4, 5, 7, 8, 9, 13};
        for (int d : dims) {
            for (int n : counts) {
                float[] q = random(d);
                float[] rows = random(n * d);
                float[] out = new float[n];
                float[] outScalar = new float[n];
                VectorKernels.dotOneToMany(q, rows, n, d, out);
                SCALAR.dotOneToMany(q, rows, n, d, outScalar);
                for (int i = 0; i < n; i++) {
                    double exact = exactDot(q, 0, rows, i * d, d);
                    double tol = tolerance(q, 0, rows, i * d, d);
                    assertEquals(exact, out[i], tol, "facade d=" + d + " n=" + n + " i=" + i);
                    assertEquals(exact, outScalar[i], tol, "scalar d=" + d + " n=" + n + " i=" + i);
                }
            }
        }
    }

    /**
     * Bank sizes that leave 0-3 rows after the 4-row blocks (and the blocks' own vector and scalar tails),
     * compared with the exact value and with the scalar twin. A sentinel past n checks that the block
     * stores (a masked vector store in the Panama kernel) never write beyond the n outputs.
     */
    @Test
    void oneToManyHandlesEveryRowRemainder() {
        int[] dims = {1, 2, 4, 15, 16, 17, 32, 33, 47, 48, 100, 256, 257, 1100};
        int[] counts = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 29, 30, 31, 32, 1001, 1003};
        float sentinel = 12345.5f;
        for (int d : dims) {
            for (int n : counts) {
                float[] q = random(d);
                float[] rows = random(n * d);
                float[] out = new float[n + 5];
                float[] outScalar = new float[n + 5];
                Arrays.fill(out, sentinel);
                Arrays.fill(outScalar, sentinel);
                VectorKernels.dotOneToMany(q, rows, n, d, out);
                SCALAR.dotOneToMany(q, rows, n, d, outScalar);
                for (int i = 0; i < n; i++) {
                    double exact = exactDot(q, 0, rows, i * d, d);
                    double tol = tolerance(q, 0, rows, i * d, d);
                    String where = "d=" + d + " n=" + n + " i=" + i;
                    assertEquals(exact, out[i], tol, "facade " + where);
                    assertEquals(exact, outScalar[i], tol, "scalar " + where);
                    assertEquals(outScalar[i], out[i], 2 * tol, "facade vs scalar " + where);
                    assertEquals(VectorKernels.dot(q, 0, rows, i * d, d), out[i], 2 * tol, "facade vs its dot " + where);
                }
                for (int i = n; i < n + 5; i++) {
                    assertEquals(sentinel, out[i], "facade wrote past n: d=" + d + " n=" + n + " i=" + i);
                    assertEquals(sentinel, outScalar[i], "scalar wrote past n: d=" + d + " n=" + n + " i=" + i);
                }
            }
        }
    }

    @Test
    void manyToManyAgreesWithSingleDotsForOddShapes() {
        int[] dims = {1, 5, 16, 17, 33, 64, 100, 129, 512, 515};
        int[] sizes = {1, 2, 3, 4, 5, 6, 7, 9, 11};
        for (int d : dims) {
            for (int na : sizes) {
                for (int nb : sizes) {
                    checkManyToMany(na, nb, d);
                }
            }
        }
        // a tile boundary in b: 128 KiB / (4·d) rows per tile
        checkManyToMany(6, 70, 512);
        checkManyToMany(9, 300, 200);
    }

    private static void checkManyToMany(int na, int nb, int d) {
        float[] a = random(na * d);
        float[] b = random(nb * d);
        float[] out = new float[na * nb];
        float[] outScalar = new float[na * nb];
        VectorKernels.dotManyToMany(a, na, b, nb, d, out);
        SCALAR.dotManyToMany(a, na, b, nb, d, outScalar);
        for (int i = 0; i < na; i++) {
            for (int j = 0; j < nb; j++) {
                double exact = exactDot(a, i * d, b, j * d, d);
                double tol = tolerance(a, i * d, b, j * d, d);
                String where = "na=" + na + " nb=" + nb + " d=" + d + " (" + i + "," + j + ")";
                assertEquals(exact, out[i * nb + j], tol, "facade " + where);
                assertEquals(exact, outScalar[i * nb + j], tol, "scalar " + where);
            }
        }
    }

    @Test
    void logSumExpMatchesNaiveDouble() {
        for (int n = 1; n <= 300; n += 7) {
            float[] x = random(n + 2);
            for (double scale : new double[] {0, 1, 3, 20, -5}) {
                double naive = 0;
                for (int i = 0; i < n; i++) {
                    naive += Math.exp(scale * x[2 + i]);
                }
                naive = Math.log(naive);
                assertEquals(naive, VectorKernels.logSumExp(x, 2, n, scale), 1e-12, "n=" + n + " scale=" + scale);
                assertEquals(naive, SCALAR.logSumExp(x, 2, n, scale), 1e-12, "scalar n=" + n + " scale=" + scale);
            }
        }
    }

    @Test
    void logSumExpIsStableWhereTheNaiveSumOverflows() {
        float[] x = {1.0f, 0.999f, 0.5f};
        double scale = 1000; // exp(1000) overflows a double
        double expected = 1000 + Math.log(1 + Math.exp(1000 * ((double) 0.999f - 1)) + Math.exp(1000 * (0.5 - 1)));
        assertEquals(expected, VectorKernels.logSumExp(x, 0, 3, scale), 1e-9);
        assertEquals(Double.NEGATIVE_INFINITY, VectorKernels.logSumExp(x, 0, 0, 1.0));
    }

    @Test
    void finiteCheckRejectsNaNAndInfinity() {
        FiniteCheck.requireFinite(new float[] {0f, -1f, Float.MAX_VALUE}, "ok");
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
            () -> FiniteCheck.requireFinite(new float[] {0f, Float.NaN}, "query_vector"));
        assertEquals("query_vector contains NaN or Infinity at index 1; every component must be a finite number", nan.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
            () -> FiniteCheck.requireFinite(new float[] {Float.NEGATIVE_INFINITY}, "bank row 3"));
        assertTrue(inf.getMessage().startsWith("bank row 3 contains NaN or Infinity at index 0"));
    }

    /**
     * A gallery row's similarities must not depend on where the row sits in a block: the server computes a document's
     * bank terms in bulk (cache warm-up, any position) or alone (a document first seen by a search), and a 1-ulp
     * difference would make scores depend on the shard layout.
     */
    @Test
    void manyToManyRowIsBitIdenticalWhateverItsPositionInABlock() {
        for (Kernel kernel : new Kernel[] { VectorKernels.kernel(), SCALAR }) {
            for (int d : new int[] { 1, 7, 16, 33, 64, 100, 512, 777 }) {
                int na = 7, nb = 5;
                float[] a = random(na * d);
                float[] b = random(nb * d);
                float[] all = new float[na * nb];
                kernel.dotManyToMany(a, na, b, nb, d, all);
                for (int i = 0; i < na; i++) {
                    float[] row = new float[d];
                    System.arraycopy(a, i * d, row, 0, d);
                    float[] alone = new float[nb];
                    kernel.dotManyToMany(row, 1, b, nb, d, alone);
                    for (int j = 0; j < nb; j++) {
                        assertEquals(Float.floatToIntBits(all[i * nb + j]), Float.floatToIntBits(alone[j]),
                            kernel.name() + " d=" + d + " row " + i + " col " + j);
                    }
                }
            }
        }
    }
}

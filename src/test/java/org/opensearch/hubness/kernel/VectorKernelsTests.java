package org.opensearch.hubness.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

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
        boolean modulePresent =
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean forcedScalar = "scalar".equals(System.getProperty("hubness.kernel"));
        assertEquals(modulePresent && !forcedScalar, VectorKernels.isVectorized(), VectorKernels.implementationName());
        assertTrue(VectorKernels.implementationName().startsWith(VectorKernels.isVectorized() ? "panama-" : "scalar"));
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
        // several L2 tiles of b (512 KiB of packed rows each) and several L1 slices of the components
        checkManyToMany(13, 300, 512);
        checkManyToMany(7, 1100, 200);
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
                assertEquals(outScalar[i * nb + j], out[i * nb + j], 2 * tol, "facade vs scalar " + where);
            }
        }
    }

    @Test
    void finiteCheckRejectsNaNAndInfinity() {
        FiniteCheck.requireFinite(new float[] {0f, -1f, Float.MAX_VALUE}, "ok");
        IllegalArgumentException nan = assertThrows(
                IllegalArgumentException.class,
                () -> FiniteCheck.requireFinite(new float[] {0f, Float.NaN}, "query_vector"));
        assertEquals(
                "query_vector contains NaN or Infinity at index 1; every component must be a finite number",
                nan.getMessage());
        IllegalArgumentException inf = assertThrows(
                IllegalArgumentException.class,
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
        for (Kernel kernel : new Kernel[] {VectorKernels.kernel(), SCALAR}) {
            for (int d : new int[] {1, 7, 16, 33, 64, 100, 512, 777}) {
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
                        assertEquals(
                                Float.floatToIntBits(all[i * nb + j]),
                                Float.floatToIntBits(alone[j]),
                                kernel.name() + " d=" + d + " row " + i + " col " + j);
                    }
                }
            }
        }
    }

    /**
     * The tiling of the blocked kernel (row groups of a, panels of b, L1 slices of the components) must
     * not show in the results: every (gallery row, bank row) pair gives the same bits whether the gallery row is
     * alone, at any position of a block or at an offset into a larger array, and whether the bank row is alone, in
     * a partial last panel or deep inside a bank of many panels. A sentinel checks that no store passes na·nb.
     */
    @Test
    void blockedProductIsBitIdenticalWhateverTheTiling() {
        float sentinel = -7.25f;
        for (Kernel kernel : new Kernel[] {VectorKernels.kernel(), SCALAR}) {
            for (int d : new int[] {3, 31, 64, 257, 768}) {
                int na = 23, nb = 1500 * 64 / d + 5; // many panels and a partial last one at every d
                float[] a = random(na * d);
                float[] b = random(nb * d);
                PackedRows packed = kernel.pack(b, nb, d);
                float[] all = new float[na * nb + 3];
                java.util.Arrays.fill(all, sentinel);
                kernel.dotManyToMany(a, 0, na, packed, all);
                for (int i = na * nb; i < all.length; i++) {
                    assertEquals(sentinel, all[i], kernel.name() + " wrote past na*nb, d=" + d);
                }
                for (int row0 : new int[] {0, 1, 5, 6, 17}) { // a sub-block starting at every position of a row group
                    int rows = Math.min(na - row0, 7);
                    float[] part = new float[rows * nb];
                    kernel.dotManyToMany(a, row0, rows, packed, part);
                    for (int i = 0; i < rows * nb; i++) {
                        assertEquals(
                                Float.floatToIntBits(all[row0 * nb + i]),
                                Float.floatToIntBits(part[i]),
                                kernel.name() + " d=" + d + " block at row " + row0 + ", output " + i);
                    }
                }
                for (int j : new int[] {0, 1, nb / 2, nb - 1}) { // one bank row packed alone: a partial panel
                    float[] bankRow = java.util.Arrays.copyOfRange(b, j * d, (j + 1) * d);
                    float[] col = new float[na];
                    kernel.dotManyToMany(a, 0, na, kernel.pack(bankRow, 1, d), col);
                    for (int i = 0; i < na; i++) {
                        assertEquals(
                                Float.floatToIntBits(all[i * nb + j]),
                                Float.floatToIntBits(col[i]),
                                kernel.name() + " d=" + d + " bank row " + j + " alone, gallery row " + i);
                    }
                }
                for (int i : new int[] {0, 5, na - 1}) { // one row against the unpacked bank: the search-time path
                    float[] row = new float[nb];
                    kernel.dotOneToMany(a, i, b, nb, d, row);
                    for (int j = 0; j < nb; j++) {
                        assertEquals(
                                Float.floatToIntBits(all[i * nb + j]),
                                Float.floatToIntBits(row[j]),
                                kernel.name() + " d=" + d + " one-to-many row " + i + ", bank row " + j);
                    }
                }
                float[] unpacked = new float[na * nb];
                kernel.dotManyToMany(a, na, b, nb, d, unpacked);
                assertEquals(
                        java.util.Arrays.toString(java.util.Arrays.copyOf(all, na * nb)),
                        java.util.Arrays.toString(unpacked),
                        kernel.name() + " packing per call, d=" + d);
            }
        }
    }

    @Test
    void packingOfAnotherKernelIsRefused() {
        if (VectorKernels.kernel().pack(random(16), 1, 16).width()
                == SCALAR.pack(random(16), 1, 16).width()) {
            return; // the scalar twin (or a kernel of the same width) is in use: nothing to mix up
        }
        PackedRows scalarPacked = SCALAR.pack(random(32), 2, 16);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> VectorKernels.dotManyToMany(random(16), 0, 1, scalarPacked, new float[2]));
        assertTrue(e.getMessage().startsWith("rows packed in panels of 16 for another kernel"), e.getMessage());
    }
}

package org.opensearch.hubness.norm;

import org.opensearch.hubness.kernel.VectorKernels;

/** Similarities of a block of rows of one matrix against every row of another, widened to double. */
final class SimilarityBlocks {

    private SimilarityBlocks() {}

    /** As {@link #compute(float[], int, int, float[], int, int, DotPrecision, double[])}, with s of the given similarity. */
    static void compute(Similarity sim, float[] a, int aRow0, int na, float[] b, int nb, int d, DotPrecision precision, double[] out) {
        compute(a, aRow0, na, b, nb, d, precision, out);
        if (sim == Similarity.L2) {
            // −‖x − y‖² = 2 x·y − ‖x‖² − ‖y‖², the norms exact in double
            double[] bNorms = new double[nb];
            for (int j = 0; j < nb; j++) bNorms[j] = exactDot(b, j * d, b, j * d, d);
            for (int i = 0; i < na; i++) {
                double aNorm = exactDot(a, (aRow0 + i) * d, a, (aRow0 + i) * d, d);
                for (int j = 0; j < nb; j++) out[i * nb + j] = 2 * out[i * nb + j] - aNorm - bNorms[j];
            }
        }
    }

    /** out[i*nb+j] = x·y of row aRow0+i of a and row j of b, for i in [0, na), j in [0, nb). */
    static void compute(float[] a, int aRow0, int na, float[] b, int nb, int d, DotPrecision precision, double[] out) {
        if (precision == DotPrecision.DOUBLE) {
            computeDouble(a, aRow0, na, b, nb, d, out);
            return;
        }
        float[] block = a;
        if (aRow0 != 0) {
            // the kernel reads from row 0, so hand it a copy of the block (cheap next to the dots)
            block = new float[na * d];
            System.arraycopy(a, aRow0 * d, block, 0, na * d);
        }
        float[] sims = new float[na * nb];
        VectorKernels.dotManyToMany(block, na, b, nb, d, sims);
        for (int i = 0; i < sims.length; i++) {
            out[i] = sims[i];
        }
    }

    private static void computeDouble(float[] a, int aRow0, int na, float[] b, int nb, int d, double[] out) {
        for (int i = 0; i < na; i++) {
            int aOff = (aRow0 + i) * d;
            for (int j = 0; j < nb; j++) {
                out[i * nb + j] = exactDot(a, aOff, b, j * d, d);
            }
        }
    }

    /** −‖x − y‖² in double: float differences are exact in double, so only the sum rounds. */
    static double exactNegativeSquaredDistance(float[] a, int aOff, float[] b, int bOff, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            double diff = (double) a[aOff + k] - b[bOff + k];
            s += diff * diff;
        }
        return -s;
    }

    /** A product of two floats is exact in double; only the sum rounds, at double precision. */
    static double exactDot(float[] a, int aOff, float[] b, int bOff, int d) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 4 <= d; k += 4) {
            s0 += (double) a[aOff + k] * b[bOff + k];
            s1 += (double) a[aOff + k + 1] * b[bOff + k + 1];
            s2 += (double) a[aOff + k + 2] * b[bOff + k + 2];
            s3 += (double) a[aOff + k + 3] * b[bOff + k + 3];
        }
        double s = (s0 + s1) + (s2 + s3);
        for (; k < d; k++) {
            s += (double) a[aOff + k] * b[bOff + k];
        }
        return s;
    }
}

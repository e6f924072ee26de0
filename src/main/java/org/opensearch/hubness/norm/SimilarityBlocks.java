package org.opensearch.hubness.norm;

/** The block size of the bank arithmetic and the exact (double) similarities the oracle paths use. */
final class SimilarityBlocks {

    /**
     * Gallery rows per block, the one block size of the bank arithmetic: a multiple of the kernel's row group, and
     * small enough that a block × 10 000-row bank of similarities stays a few MB.
     */
    static final int ROWS = 192;

    private SimilarityBlocks() {}

    /**
     * out[i*nb+j] = s(row aRow0+i of a, row j of the bank) for i in [0, na), j in [0, nb), exact but for the rounding of
     * each sum (products of floats are exact in double). l2 comes from the same dot products as
     * −‖x − y‖² = 2 x·y − ‖x‖² − ‖y‖², the norms exact in double (the bank's computed once, {@link BankMatrix}).
     */
    static void exact(Similarity sim, float[] a, int aRow0, int na, BankMatrix bank, double[] out) {
        int nb = bank.count(), d = bank.dimension();
        double[] bankNorms = sim == Similarity.L2 ? bank.squaredNorms() : null;
        for (int i = 0; i < na; i++) {
            int aOff = (aRow0 + i) * d;
            double aNorm = bankNorms == null ? 0 : exactDot(a, aOff, a, aOff, d);
            for (int j = 0; j < nb; j++) {
                double dot = exactDot(a, aOff, bank.rows(), j * d, d);
                out[i * nb + j] = bankNorms == null ? dot : negativeSquaredDistance(dot, aNorm, bankNorms[j]);
            }
        }
    }

    /** −‖x − y‖² from x·y and the squared norms. */
    static double negativeSquaredDistance(double dot, double xNorm, double yNorm) {
        return 2 * dot - xNorm - yNorm;
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

    /**
     * {@code exactDot(a, u)} with u the unit vector of raw, {@code u[k] = (float) (raw[k] / norm)} as
     * {@link Similarity#prepare} rounds it, without materialising u: the same products summed in the same order.
     */
    static double exactDotOfUnit(float[] a, float[] raw, double norm) {
        int d = a.length;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 4 <= d; k += 4) {
            s0 += (double) a[k] * (float) (raw[k] / norm);
            s1 += (double) a[k + 1] * (float) (raw[k + 1] / norm);
            s2 += (double) a[k + 2] * (float) (raw[k + 2] / norm);
            s3 += (double) a[k + 3] * (float) (raw[k + 3] / norm);
        }
        double s = (s0 + s1) + (s2 + s3);
        for (; k < d; k++) {
            s += (double) a[k] * (float) (raw[k] / norm);
        }
        return s;
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

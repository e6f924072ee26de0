package org.opensearch.hubness.benchmarks;

import java.util.Random;

/** Seeded random unit-scale vectors, both as one row-major matrix (ours) and as one array per row (Lucene's layout). */
final class Data {

    private Data() {}

    static float[] matrix(int rows, int d, long seed) {
        Random r = new Random(seed);
        float[] m = new float[rows * d];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) r.nextGaussian() / (float) Math.sqrt(d);
        }
        return m;
    }

    static float[][] split(float[] m, int rows, int d) {
        float[][] out = new float[rows][d];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(m, i * d, out[i], 0, d);
        }
        return out;
    }
}

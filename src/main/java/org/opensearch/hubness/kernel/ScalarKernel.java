package org.opensearch.hubness.kernel;

/**
 * Plain-Java twin of {@link PanamaKernel}, with the same blocking and the same number of independent
 * accumulators, so both paths round alike and the scalar one is still reasonably fast when the
 * incubator module is absent.
 */
public final class ScalarKernel implements Kernel {

    /** Rows of b processed per tile in {@link #dotManyToMany}; sized so a tile stays in L2. */
    private static final int TILE_BYTES = 128 * 1024;

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int d) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        int bound = d & ~3;
        for (; i < bound; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        float sum = (s0 + s1) + (s2 + s3);
        for (; i < d; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    @Override
    public void dotOneToMany(float[] q, float[] rows, int n, int d, float[] out) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            dotQx4(q, rows, i * d, d, out, i);
        }
        for (; i < n; i++) {
            out[i] = dot(q, 0, rows, i * d, d);
        }
    }

    /**
     * Twin of PanamaKernel.dotQx4: the query against the four consecutive rows of m starting at offset o,
     * each q element loaded once for four rows, two accumulators per row (one per half of a step of two,
     * as the vector kernel keeps one per half of a step of 2·L), the pairs summed, then the scalar tail.
     */
    private static void dotQx4(float[] q, float[] m, int o, int d, float[] out, int outOff) {
        int o0 = o, o1 = o + d, o2 = o + 2 * d, o3 = o + 3 * d;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        float b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        int k = 0;
        int bound2 = d & ~1;
        for (; k < bound2; k += 2) {
            float x = q[k], y = q[k + 1];
            a0 += x * m[o0 + k];
            a1 += x * m[o1 + k];
            a2 += x * m[o2 + k];
            a3 += x * m[o3 + k];
            b0 += y * m[o0 + k + 1];
            b1 += y * m[o1 + k + 1];
            b2 += y * m[o2 + k + 1];
            b3 += y * m[o3 + k + 1];
        }
        float s0 = a0 + b0, s1 = a1 + b1, s2 = a2 + b2, s3 = a3 + b3;
        for (; k < d; k++) {
            float x = q[k];
            s0 += x * m[o0 + k];
            s1 += x * m[o1 + k];
            s2 += x * m[o2 + k];
            s3 += x * m[o3 + k];
        }
        out[outOff] = s0;
        out[outOff + 1] = s1;
        out[outOff + 2] = s2;
        out[outOff + 3] = s3;
    }

    @Override
    public void dotManyToMany(float[] a, int na, float[] b, int nb, int d, float[] out) {
        int tileRows = Math.max(1, TILE_BYTES / (4 * Math.max(1, d)));
        for (int j0 = 0; j0 < nb; j0 += tileRows) {
            int j1 = Math.min(nb, j0 + tileRows);
            int i = 0;
            for (; i + 4 <= na; i += 4) {
                for (int j = j0; j < j1; j++) {
                    dot1x4(b, j * d, a, i * d, (i + 1) * d, (i + 2) * d, (i + 3) * d, d, out, i * nb + j, nb);
                }
            }
            for (; i < na; i++) {
                for (int j = j0; j < j1; j++) {
                    out[i * nb + j] = dot1x1(b, j * d, a, i * d, d);
                }
            }
        }
    }

    /** One row of {@link #dot1x4}, with its arithmetic, so a row's result does not depend on its position in a block. */
    private static float dot1x1(float[] v, int vOff, float[] m, int o, int d) {
        float s = 0;
        for (int k = 0; k < d; k++) {
            s += v[vOff + k] * m[o + k];
        }
        return s;
    }

    /** One vector against four others, each pair with its own accumulator: v is loaded once per step. */
    private static void dot1x4(float[] v, int vOff, float[] m, int o0, int o1, int o2, int o3, int d,
                               float[] out, int outOff, int stride) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int k = 0; k < d; k++) {
            float x = v[vOff + k];
            s0 += x * m[o0 + k];
            s1 += x * m[o1 + k];
            s2 += x * m[o2 + k];
            s3 += x * m[o3 + k];
        }
        out[outOff] = s0;
        out[outOff + stride] = s1;
        out[outOff + 2 * stride] = s2;
        out[outOff + 3 * stride] = s3;
    }

    @Override
    public double logSumExp(float[] x, int off, int n, double scale) {
        float max = Float.NEGATIVE_INFINITY, min = Float.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        return LogSumExp.fromExtremes(x, off, n, scale, max, min);
    }

    @Override
    public String name() {
        return "scalar";
    }
}

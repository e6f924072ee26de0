package org.opensearch.hubness.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on the incubating Vector API. This is the only class that touches jdk.incubator.vector,
 * so a JVM without the module never loads it ({@link VectorKernels} falls back to {@link ScalarKernel}).
 * Structure: a vector loop with several independent FMA chains (to hide FMA latency), a single-vector
 * loop, then a scalar tail.
 */
public final class PanamaKernel implements Kernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rows of b processed per tile in {@link #dotManyToMany}; sized so a tile stays in L2. */
    private static final int TILE_BYTES = 128 * 1024;

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int d) {
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        int bound4 = d - d % (4 * L);
        for (; i < bound4; i += 4 * L) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, aOff + i + L).fma(FloatVector.fromArray(SPECIES, b, bOff + i + L), acc1);
            acc2 = FloatVector.fromArray(SPECIES, a, aOff + i + 2 * L)
                .fma(FloatVector.fromArray(SPECIES, b, bOff + i + 2 * L), acc2);
            acc3 = FloatVector.fromArray(SPECIES, a, aOff + i + 3 * L)
                .fma(FloatVector.fromArray(SPECIES, b, bOff + i + 3 * L), acc3);
        }
        int bound1 = SPECIES.loopBound(d);
        for (; i < bound1; i += L) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc0);
        }
        float sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < d; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    @Override
    public void dotOneToMany(float[] q, float[] rows, int n, int d, float[] out) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            dot1x4(q, 0, rows, i * d, (i + 1) * d, (i + 2) * d, (i + 3) * d, d, out, i, 1);
        }
        for (; i < n; i++) {
            out[i] = dot(q, 0, rows, i * d, d);
        }
    }

    @Override
    public void dotManyToMany(float[] a, int na, float[] b, int nb, int d, float[] out) {
        int tileRows = Math.max(1, TILE_BYTES / (4 * Math.max(1, d)));
        for (int j0 = 0; j0 < nb; j0 += tileRows) {
            int j1 = Math.min(nb, j0 + tileRows);
            int i = 0;
            for (; i + 4 <= na; i += 4) {
                // four rows of a stay in L1 while the tile of b streams past them
                for (int j = j0; j < j1; j++) {
                    dot1x4(b, j * d, a, i * d, (i + 1) * d, (i + 2) * d, (i + 3) * d, d, out, i * nb + j, nb);
                }
            }
            for (; i < na; i++) {
                for (int j = j0; j < j1; j++) {
                    out[i * nb + j] = dot(a, i * d, b, j * d, d);
                }
            }
        }
    }

    /**
     * One vector v against four rows of m: each load of v feeds four FMAs. Two chains per row
     * (eight accumulators) keep enough FMAs in flight to cover their latency.
     */
    private static void dot1x4(float[] v, int vOff, float[] m, int o0, int o1, int o2, int o3, int d,
                               float[] out, int outOff, int stride) {
        FloatVector a0 = FloatVector.zero(SPECIES), b0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES), b1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES), b2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES), b3 = FloatVector.zero(SPECIES);
        int k = 0;
        int bound2 = d - d % (2 * L);
        for (; k < bound2; k += 2 * L) {
            FloatVector x = FloatVector.fromArray(SPECIES, v, vOff + k);
            FloatVector y = FloatVector.fromArray(SPECIES, v, vOff + k + L);
            a0 = x.fma(FloatVector.fromArray(SPECIES, m, o0 + k), a0);
            a1 = x.fma(FloatVector.fromArray(SPECIES, m, o1 + k), a1);
            a2 = x.fma(FloatVector.fromArray(SPECIES, m, o2 + k), a2);
            a3 = x.fma(FloatVector.fromArray(SPECIES, m, o3 + k), a3);
            b0 = y.fma(FloatVector.fromArray(SPECIES, m, o0 + k + L), b0);
            b1 = y.fma(FloatVector.fromArray(SPECIES, m, o1 + k + L), b1);
            b2 = y.fma(FloatVector.fromArray(SPECIES, m, o2 + k + L), b2);
            b3 = y.fma(FloatVector.fromArray(SPECIES, m, o3 + k + L), b3);
        }
        int bound1 = SPECIES.loopBound(d);
        for (; k < bound1; k += L) {
            FloatVector x = FloatVector.fromArray(SPECIES, v, vOff + k);
            a0 = x.fma(FloatVector.fromArray(SPECIES, m, o0 + k), a0);
            a1 = x.fma(FloatVector.fromArray(SPECIES, m, o1 + k), a1);
            a2 = x.fma(FloatVector.fromArray(SPECIES, m, o2 + k), a2);
            a3 = x.fma(FloatVector.fromArray(SPECIES, m, o3 + k), a3);
        }
        float s0 = sumLanes(a0.add(b0));
        float s1 = sumLanes(a1.add(b1));
        float s2 = sumLanes(a2.add(b2));
        float s3 = sumLanes(a3.add(b3));
        for (; k < d; k++) {
            float x = v[vOff + k];
            s0 = Math.fma(x, m[o0 + k], s0);
            s1 = Math.fma(x, m[o1 + k], s1);
            s2 = Math.fma(x, m[o2 + k], s2);
            s3 = Math.fma(x, m[o3 + k], s3);
        }
        out[outOff] = s0;
        out[outOff + stride] = s1;
        out[outOff + 2 * stride] = s2;
        out[outOff + 3 * stride] = s3;
    }

    @Override
    public double logSumExp(float[] x, int off, int n, double scale) {
        float max = Float.NEGATIVE_INFINITY, min = Float.POSITIVE_INFINITY;
        int i = 0;
        int bound = SPECIES.loopBound(n);
        if (bound > 0) {
            FloatVector vmax = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            FloatVector vmin = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, off + i);
                vmax = vmax.max(v);
                vmin = vmin.min(v);
            }
            max = vmax.reduceLanes(VectorOperators.MAX);
            min = vmin.reduceLanes(VectorOperators.MIN);
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
            min = Math.min(min, x[off + i]);
        }
        // exp has no double-lane speed-up worth the precision risk here; the sum runs in double
        return LogSumExp.fromExtremes(x, off, n, scale, max, min);
    }

    /**
     * The sum of v's lanes in a fixed pairwise order. {@code reduceLanes(ADD)} leaves the order unspecified, and it
     * differs in practice: the JIT's intrinsic reduces as a tree, the interpreter's fallback lane by lane, so one dot
     * product could change in its last bit between nodes (or on one node before and after warm-up) and a document's
     * bank terms, hence its score, depended on where and when it was rescored (seen as 1-ulp score differences between
     * a 1-shard and a 5-shard layout of the same gallery). Scalar float adds in a fixed order are the same in every mode.
     */
    static float sumLanes(FloatVector v) {
        float[] t = new float[L];
        v.intoArray(t, 0);
        for (int w = L >> 1; w >= 1; w >>= 1) {
            for (int i = 0; i < w; i++) t[i] += t[i + w];
        }
        return t[0];
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize() + "bit-" + L + "lanes";
    }
}

package org.opensearch.hubness.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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

    /*
     * Constants of the joint 4-row reduction in dotOneToMany (see reduce4). It needs 4 <= L <= 16 (128- to
     * 512-bit float vectors, i.e. every x86 and NEON target); other lane counts use one reduceLanes per row.
     */
    private static final boolean JOINT_REDUCE = L >= 4 && L <= 16;
    /** Lanes whose index has bit 0 (ODD) or bit 1 (HI2) set. */
    private static final VectorMask<Float> ODD = JOINT_REDUCE ? laneBit(1) : null;
    private static final VectorMask<Float> HI2 = JOINT_REDUCE ? laneBit(2) : null;
    /** The first four lanes, where reduce4 leaves its four sums. */
    private static final VectorMask<Float> FIRST4 = JOINT_REDUCE ? SPECIES.indexInRange(0, 4) : null;
    /** Lane i <- lane i ^ bit. */
    private static final VectorShuffle<Float> SWAP1 = JOINT_REDUCE ? xorShuffle(1) : null;
    private static final VectorShuffle<Float> SWAP2 = JOINT_REDUCE ? xorShuffle(2) : null;
    private static final VectorShuffle<Float> SWAP4 = JOINT_REDUCE && L >= 8 ? xorShuffle(4) : null;
    private static final VectorShuffle<Float> SWAP8 = JOINT_REDUCE && L >= 16 ? xorShuffle(8) : null;

    private static VectorMask<Float> laneBit(int bit) {
        boolean[] bits = new boolean[L];
        for (int i = 0; i < L; i++) {
            bits[i] = (i & bit) != 0;
        }
        return VectorMask.fromArray(SPECIES, bits, 0);
    }

    private static VectorShuffle<Float> xorShuffle(int bit) {
        return VectorShuffle.fromOp(SPECIES, i -> i ^ bit);
    }

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
        if (JOINT_REDUCE) {
            for (; i + 4 <= n; i += 4) {
                dotQx4(q, rows, i * d, d, out, i);
            }
        }
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
                    // the same chains as dot1x4, so a row's result does not depend on its position in a block
                    out[i * nb + j] = dot1x1(b, j * d, a, i * d, d);
                }
            }
        }
    }

    /**
     * The query against the four consecutive rows of m starting at offset o, into out[outOff..outOff+3].
     * Same loops as {@link #dot1x4} (each load of q feeds four FMAs, two chains per row), but the four
     * accumulators are summed jointly by {@link #reduce4}: C2 turns each float reduceLanes(ADD) into L
     * sequential scalar adds (strict lane order), which for d = 256 costs about as many instructions as the
     * FMA loop itself; the joint reduction needs a handful of blends, permutes and adds for all four rows.
     */
    private static void dotQx4(float[] q, float[] m, int o, int d, float[] out, int outOff) {
        int o0 = o, o1 = o + d, o2 = o + 2 * d, o3 = o + 3 * d;
        FloatVector a0 = FloatVector.zero(SPECIES), b0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES), b1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES), b2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES), b3 = FloatVector.zero(SPECIES);
        int k = 0;
        int bound2 = d - d % (2 * L);
        for (; k < bound2; k += 2 * L) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, k);
            FloatVector y = FloatVector.fromArray(SPECIES, q, k + L);
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
            FloatVector x = FloatVector.fromArray(SPECIES, q, k);
            a0 = x.fma(FloatVector.fromArray(SPECIES, m, o0 + k), a0);
            a1 = x.fma(FloatVector.fromArray(SPECIES, m, o1 + k), a1);
            a2 = x.fma(FloatVector.fromArray(SPECIES, m, o2 + k), a2);
            a3 = x.fma(FloatVector.fromArray(SPECIES, m, o3 + k), a3);
        }
        reduce4(a0.add(b0), a1.add(b1), a2.add(b2), a3.add(b3)).intoArray(out, outOff, FIRST4);
        if (k < d) {
            float s0 = out[outOff], s1 = out[outOff + 1], s2 = out[outOff + 2], s3 = out[outOff + 3];
            for (; k < d; k++) {
                float x = q[k];
                s0 = Math.fma(x, m[o0 + k], s0);
                s1 = Math.fma(x, m[o1 + k], s1);
                s2 = Math.fma(x, m[o2 + k], s2);
                s3 = Math.fma(x, m[o3 + k], s3);
            }
            out[outOff] = s0;
            out[outOff + 1] = s1;
            out[outOff + 2] = s2;
            out[outOff + 3] = s3;
        }
    }

    /**
     * Lane r of the result (r < 4) is the sum of the lanes of vr. A transpose-and-add: after the first step
     * even lanes hold pair sums of v0 and odd lanes pair sums of v1 (likewise v2, v3); after the second, lane
     * i holds a 4-lane partial sum of v(i mod 4); then halving folds add the partials with equal i mod 4.
     */
    private static FloatVector reduce4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        FloatVector s01 = v0.blend(v1, ODD).add(v1.blend(v0, ODD).rearrange(SWAP1));
        FloatVector s23 = v2.blend(v3, ODD).add(v3.blend(v2, ODD).rearrange(SWAP1));
        FloatVector t = s01.blend(s23, HI2).add(s23.blend(s01, HI2).rearrange(SWAP2));
        if (L >= 16) {
            t = t.add(t.rearrange(SWAP8));
        }
        if (L >= 8) {
            t = t.add(t.rearrange(SWAP4));
        }
        return t;
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

    /** One row of {@link #dot1x4}: the same two chains, tails and lane sum, hence bit-identical to it. */
    private static float dot1x1(float[] v, int vOff, float[] m, int o, int d) {
        FloatVector a = FloatVector.zero(SPECIES), b = FloatVector.zero(SPECIES);
        int k = 0;
        int bound2 = d - d % (2 * L);
        for (; k < bound2; k += 2 * L) {
            a = FloatVector.fromArray(SPECIES, v, vOff + k).fma(FloatVector.fromArray(SPECIES, m, o + k), a);
            b = FloatVector.fromArray(SPECIES, v, vOff + k + L).fma(FloatVector.fromArray(SPECIES, m, o + k + L), b);
        }
        int bound1 = SPECIES.loopBound(d);
        for (; k < bound1; k += L) {
            a = FloatVector.fromArray(SPECIES, v, vOff + k).fma(FloatVector.fromArray(SPECIES, m, o + k), a);
        }
        float s = sumLanes(a.add(b));
        for (; k < d; k++) {
            s = Math.fma(v[vOff + k], m[o + k], s);
        }
        return s;
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

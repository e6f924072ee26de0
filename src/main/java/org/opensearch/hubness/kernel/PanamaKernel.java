package org.opensearch.hubness.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernel on the incubating Vector API. This is the only class that touches jdk.incubator.vector, so a JVM
 * without the module never loads it ({@link VectorKernels} falls back to {@link ScalarKernel}).
 *
 * <p>Register tile: 6 rows of a × one panel of 2·L rows of b, twelve vector accumulators. Per component k the tile
 * loads two vectors of the packed panel and broadcasts six scalars of a, then issues twelve multiply-adds, so loads
 * never limit the multiply-add ports and no accumulator chain waits on its own latency. Each lane accumulates one
 * output: no cross-lane reduction at all.
 */
public final class PanamaKernel extends TiledKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int WIDTH = 2 * L;
    private static final int GROUP = 6;
    /** Components per slice: one panel's slice is 16 KiB, so it stays in L1 while the row groups pass it. */
    private static final int SLICE = 16 * 1024 / (4 * WIDTH);

    private static final boolean FMA = FusedMultiplyAdd.isFast();

    public PanamaKernel() {
        super(WIDTH, SLICE, FMA, new Micro());
    }

    private static FloatVector madd(FloatVector x, FloatVector y, FloatVector acc) {
        return FMA ? x.fma(y, acc) : x.mul(y).add(acc);
    }

    private static final class Micro implements BlockedProduct.MicroKernel {

        @Override
        public int groupRows() {
            return GROUP;
        }

        @Override
        public void tile(BlockedProduct.Tile t) {
            if (t.rowCount == GROUP && t.cols == WIDTH) {
                tile6(t);
            } else {
                for (int r = 0; r < t.rowCount; r++) {
                    tile1(t, t.aOff + r * t.d, t.outOff + r * t.stride);
                }
            }
        }
    }

    private static void tile6(BlockedProduct.Tile t) {
        float[] a = t.a, p = t.panels, out = t.out;
        int d = t.d, pOff = t.panelOff, k0 = t.k0, k1 = t.k1, outOff = t.outOff, stride = t.stride;
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        int a0 = t.aOff, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d, a4 = a3 + d, a5 = a4 + d;
        for (int k = k0; k < k1; k++) {
            int o = pOff + k * WIDTH;
            FloatVector b0 = FloatVector.fromArray(SPECIES, p, o);
            FloatVector b1 = FloatVector.fromArray(SPECIES, p, o + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + k]);
            c00 = madd(x, b0, c00);
            c01 = madd(x, b1, c01);
            x = FloatVector.broadcast(SPECIES, a[a1 + k]);
            c10 = madd(x, b0, c10);
            c11 = madd(x, b1, c11);
            x = FloatVector.broadcast(SPECIES, a[a2 + k]);
            c20 = madd(x, b0, c20);
            c21 = madd(x, b1, c21);
            x = FloatVector.broadcast(SPECIES, a[a3 + k]);
            c30 = madd(x, b0, c30);
            c31 = madd(x, b1, c31);
            x = FloatVector.broadcast(SPECIES, a[a4 + k]);
            c40 = madd(x, b0, c40);
            c41 = madd(x, b1, c41);
            x = FloatVector.broadcast(SPECIES, a[a5 + k]);
            c50 = madd(x, b0, c50);
            c51 = madd(x, b1, c51);
        }
        // written out rather than through a helper: a vector passed to a call the JIT does not inline is boxed (a
        // per-row helper for these adds and stores ran at about a quarter of this speed, d = 512 and 768, JDK 25)
        int o0 = outOff, o1 = o0 + stride, o2 = o1 + stride, o3 = o2 + stride, o4 = o3 + stride, o5 = o4 + stride;
        if (!t.first) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, out, o0));
            c01 = c01.add(FloatVector.fromArray(SPECIES, out, o0 + L));
            c10 = c10.add(FloatVector.fromArray(SPECIES, out, o1));
            c11 = c11.add(FloatVector.fromArray(SPECIES, out, o1 + L));
            c20 = c20.add(FloatVector.fromArray(SPECIES, out, o2));
            c21 = c21.add(FloatVector.fromArray(SPECIES, out, o2 + L));
            c30 = c30.add(FloatVector.fromArray(SPECIES, out, o3));
            c31 = c31.add(FloatVector.fromArray(SPECIES, out, o3 + L));
            c40 = c40.add(FloatVector.fromArray(SPECIES, out, o4));
            c41 = c41.add(FloatVector.fromArray(SPECIES, out, o4 + L));
            c50 = c50.add(FloatVector.fromArray(SPECIES, out, o5));
            c51 = c51.add(FloatVector.fromArray(SPECIES, out, o5 + L));
        }
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + L);
        c40.intoArray(out, o4);
        c41.intoArray(out, o4 + L);
        c50.intoArray(out, o5);
        c51.intoArray(out, o5 + L);
    }

    /** One row against one panel: per lane the same operations as {@link #tile6}, for row groups and panels left over. */
    private static void tile1(BlockedProduct.Tile t, int aOff, int outOff) {
        float[] a = t.a, p = t.panels, out = t.out;
        int pOff = t.panelOff, cols = t.cols;
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES);
        for (int k = t.k0, k1 = t.k1; k < k1; k++) {
            int o = pOff + k * WIDTH;
            FloatVector x = FloatVector.broadcast(SPECIES, a[aOff + k]);
            c0 = madd(x, FloatVector.fromArray(SPECIES, p, o), c0);
            c1 = madd(x, FloatVector.fromArray(SPECIES, p, o + L), c1);
        }
        // the slice's sums become the output (first slice) or are added to the sums of the earlier slices
        VectorMask<Float> m0 = SPECIES.indexInRange(0, cols);
        VectorMask<Float> m1 = SPECIES.indexInRange(L, cols);
        if (!t.first) {
            c0 = c0.add(FloatVector.fromArray(SPECIES, out, outOff, m0));
            c1 = c1.add(FloatVector.fromArray(SPECIES, out, outOff + L, m1));
        }
        c0.intoArray(out, outOff, m0);
        c1.intoArray(out, outOff + L, m1);
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize() + "bit-" + L + "lanes" + (FMA ? "-fma" : "");
    }
}

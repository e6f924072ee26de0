package org.opensearch.hubness.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernel on the incubating Vector API. This is the only class that touches jdk.incubator.vector, so a JVM
 * without the module never loads it ({@link VectorKernels} falls back to {@link ScalarKernel}).
 *
 * <p>Register tile: 6 rows of a × one panel of 3·L rows of b (2·L below 512-bit vectors, whose instruction sets
 * have 16 vector registers, not 32), eighteen (twelve) vector accumulators. Per component k the tile loads the
 * panel's vectors and broadcasts six scalars of the grouped rows of a (one contiguous run), then issues the
 * multiply-adds, so loads never limit the multiply-add ports and no accumulator chain waits on its own latency. Each
 * lane accumulates one output: no cross-lane reduction at all.
 */
public final class PanamaKernel extends TiledKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Three vectors per panel where there are 32 vector registers (AVX-512): 18 accumulators + 3 + 1 fit. */
    private static final boolean THREE = SPECIES.vectorBitSize() >= 512;

    private static final int WIDTH = (THREE ? 3 : 2) * L;
    private static final int GROUP = 6;
    /** Components per slice: one panel's slice (24 KiB with AVX-512) stays in L1 while the row groups pass it. */
    private static final int SLICE = 128;

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
        public void group(
                float[] g,
                int gOff,
                float[] p,
                int pOff,
                int k0,
                int k1,
                boolean first,
                float[] out,
                int outOff,
                int stride,
                int cols) {
            if (cols == WIDTH && THREE) {
                tile6x3(g, gOff, p, pOff, k0, k1, first, out, outOff, stride);
            } else if (cols == WIDTH) {
                tile6x2(g, gOff, p, pOff, k0, k1, first, out, outOff, stride);
            } else {
                lastPanel(g, gOff, p, pOff, k0, k1, first, out, outOff, stride, cols);
            }
        }
    }

    private static void tile6x3(
            float[] g,
            int gOff,
            float[] p,
            int pOff,
            int k0,
            int k1,
            boolean first,
            float[] out,
            int outOff,
            int stride) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES), c02 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES), c12 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES), c22 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES), c32 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES), c42 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES), c52 = FloatVector.zero(SPECIES);
        // the loop runs on the grouped rows' offset: C2 derives the panel's from it with one lea, where k * 48 and
        // k * 6 took a dozen integer operations per component, issued on the ports the multiply-adds need
        int o = pOff + k0 * WIDTH;
        for (int a = gOff + k0 * GROUP, end = gOff + k1 * GROUP; a < end; a += GROUP, o += WIDTH) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, p, o);
            FloatVector b1 = FloatVector.fromArray(SPECIES, p, o + L);
            FloatVector b2 = FloatVector.fromArray(SPECIES, p, o + 2 * L);
            FloatVector x0 = FloatVector.broadcast(SPECIES, g[a]);
            c00 = madd(x0, b0, c00);
            c01 = madd(x0, b1, c01);
            c02 = madd(x0, b2, c02);
            FloatVector x1 = FloatVector.broadcast(SPECIES, g[a + 1]);
            c10 = madd(x1, b0, c10);
            c11 = madd(x1, b1, c11);
            c12 = madd(x1, b2, c12);
            FloatVector x2 = FloatVector.broadcast(SPECIES, g[a + 2]);
            c20 = madd(x2, b0, c20);
            c21 = madd(x2, b1, c21);
            c22 = madd(x2, b2, c22);
            FloatVector x3 = FloatVector.broadcast(SPECIES, g[a + 3]);
            c30 = madd(x3, b0, c30);
            c31 = madd(x3, b1, c31);
            c32 = madd(x3, b2, c32);
            FloatVector x4 = FloatVector.broadcast(SPECIES, g[a + 4]);
            c40 = madd(x4, b0, c40);
            c41 = madd(x4, b1, c41);
            c42 = madd(x4, b2, c42);
            FloatVector x5 = FloatVector.broadcast(SPECIES, g[a + 5]);
            c50 = madd(x5, b0, c50);
            c51 = madd(x5, b1, c51);
            c52 = madd(x5, b2, c52);
        }
        // written out rather than through a helper: a vector passed to a call the JIT does not inline is boxed
        int o0 = outOff, o1 = o0 + stride, o2 = o1 + stride, o3 = o2 + stride, o4 = o3 + stride, o5 = o4 + stride;
        if (!first) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, out, o0));
            c01 = c01.add(FloatVector.fromArray(SPECIES, out, o0 + L));
            c02 = c02.add(FloatVector.fromArray(SPECIES, out, o0 + 2 * L));
            c10 = c10.add(FloatVector.fromArray(SPECIES, out, o1));
            c11 = c11.add(FloatVector.fromArray(SPECIES, out, o1 + L));
            c12 = c12.add(FloatVector.fromArray(SPECIES, out, o1 + 2 * L));
            c20 = c20.add(FloatVector.fromArray(SPECIES, out, o2));
            c21 = c21.add(FloatVector.fromArray(SPECIES, out, o2 + L));
            c22 = c22.add(FloatVector.fromArray(SPECIES, out, o2 + 2 * L));
            c30 = c30.add(FloatVector.fromArray(SPECIES, out, o3));
            c31 = c31.add(FloatVector.fromArray(SPECIES, out, o3 + L));
            c32 = c32.add(FloatVector.fromArray(SPECIES, out, o3 + 2 * L));
            c40 = c40.add(FloatVector.fromArray(SPECIES, out, o4));
            c41 = c41.add(FloatVector.fromArray(SPECIES, out, o4 + L));
            c42 = c42.add(FloatVector.fromArray(SPECIES, out, o4 + 2 * L));
            c50 = c50.add(FloatVector.fromArray(SPECIES, out, o5));
            c51 = c51.add(FloatVector.fromArray(SPECIES, out, o5 + L));
            c52 = c52.add(FloatVector.fromArray(SPECIES, out, o5 + 2 * L));
        }
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c02.intoArray(out, o0 + 2 * L);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        c12.intoArray(out, o1 + 2 * L);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
        c22.intoArray(out, o2 + 2 * L);
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + L);
        c32.intoArray(out, o3 + 2 * L);
        c40.intoArray(out, o4);
        c41.intoArray(out, o4 + L);
        c42.intoArray(out, o4 + 2 * L);
        c50.intoArray(out, o5);
        c51.intoArray(out, o5 + L);
        c52.intoArray(out, o5 + 2 * L);
    }

    private static void tile6x2(
            float[] g,
            int gOff,
            float[] p,
            int pOff,
            int k0,
            int k1,
            boolean first,
            float[] out,
            int outOff,
            int stride) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        int o = pOff + k0 * WIDTH; // stepped as in tile6x3
        for (int a = gOff + k0 * GROUP, end = gOff + k1 * GROUP; a < end; a += GROUP, o += WIDTH) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, p, o);
            FloatVector b1 = FloatVector.fromArray(SPECIES, p, o + L);
            FloatVector x0 = FloatVector.broadcast(SPECIES, g[a]);
            c00 = madd(x0, b0, c00);
            c01 = madd(x0, b1, c01);
            FloatVector x1 = FloatVector.broadcast(SPECIES, g[a + 1]);
            c10 = madd(x1, b0, c10);
            c11 = madd(x1, b1, c11);
            FloatVector x2 = FloatVector.broadcast(SPECIES, g[a + 2]);
            c20 = madd(x2, b0, c20);
            c21 = madd(x2, b1, c21);
            FloatVector x3 = FloatVector.broadcast(SPECIES, g[a + 3]);
            c30 = madd(x3, b0, c30);
            c31 = madd(x3, b1, c31);
            FloatVector x4 = FloatVector.broadcast(SPECIES, g[a + 4]);
            c40 = madd(x4, b0, c40);
            c41 = madd(x4, b1, c41);
            FloatVector x5 = FloatVector.broadcast(SPECIES, g[a + 5]);
            c50 = madd(x5, b0, c50);
            c51 = madd(x5, b1, c51);
        }
        // written out rather than through a helper: a vector passed to a call the JIT does not inline is boxed
        int o0 = outOff, o1 = o0 + stride, o2 = o1 + stride, o3 = o2 + stride, o4 = o3 + stride, o5 = o4 + stride;
        if (!first) {
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

    /**
     * A group against the last, partial panel: the full tile into a scratch tile (the panel's padding rows are
     * zeros), then its valid columns into out. Per output the same operations as the full tiles (the slice's sum,
     * then added to the earlier slices' sums), at the tile's speed rather than one accumulator chain per row.
     */
    private static void lastPanel(
            float[] g,
            int gOff,
            float[] p,
            int pOff,
            int k0,
            int k1,
            boolean first,
            float[] out,
            int outOff,
            int stride,
            int cols) {
        float[] tile = new float[GROUP * WIDTH]; // per call: the kernel is shared by every thread
        if (THREE) {
            tile6x3(g, gOff, p, pOff, k0, k1, true, tile, 0, WIDTH);
        } else {
            tile6x2(g, gOff, p, pOff, k0, k1, true, tile, 0, WIDTH);
        }
        for (int r = 0; r < GROUP; r++) {
            for (int c = 0; c < cols; c++) {
                int o = outOff + r * stride + c;
                out[o] = first ? tile[r * WIDTH + c] : out[o] + tile[r * WIDTH + c];
            }
        }
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize() + "bit-" + L + "lanes" + (FMA ? "-fma" : "");
    }
}

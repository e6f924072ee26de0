package org.opensearch.hubness.kernel;

/**
 * Plain-Java twin of {@link PanamaKernel}: the same loop nest and slices, and per output the same order of
 * operations (a running sum per slice, slices added in order), with a separate multiply and add where the vector
 * kernel may fuse them. Its inner loop over a panel's columns is simple enough for the JIT's own vectoriser.
 */
public final class ScalarKernel extends TiledKernel {

    private static final int WIDTH = 16;
    private static final int SLICE = 256;

    public ScalarKernel() {
        super(WIDTH, SLICE, false, new Micro());
    }

    private static final class Micro implements BlockedProduct.MicroKernel {

        @Override
        public int groupRows() {
            return 1;
        }

        @Override
        public void tile(BlockedProduct.Tile t) {
            float[] a = t.a, p = t.panels, out = t.out;
            int aOff = t.aOff, pOff = t.panelOff, outOff = t.outOff, k1 = t.k1, cols = t.cols;
            boolean first = t.first;
            float[] c = new float[WIDTH]; // per call: the kernel is shared by every thread
            for (int k = t.k0; k < k1; k++) {
                float x = a[aOff + k];
                int o = pOff + k * WIDTH;
                for (int j = 0; j < WIDTH; j++) {
                    c[j] += x * p[o + j];
                }
            }
            for (int j = 0; j < cols; j++) {
                out[outOff + j] = first ? c[j] : out[outOff + j] + c[j];
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}

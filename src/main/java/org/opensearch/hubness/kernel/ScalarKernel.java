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
            float[] c = new float[WIDTH]; // per call: the kernel is shared by every thread
            for (int k = k0; k < k1; k++) {
                float x = g[gOff + k]; // a group of one row is the row itself
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

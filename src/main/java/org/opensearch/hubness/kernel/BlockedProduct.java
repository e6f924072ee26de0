package org.opensearch.hubness.kernel;

/**
 * The loop nest both kernels share for a block of rows of a against a packed b: b is cut into tiles of whole panels
 * (the tile stays in L2 while every row of the block passes it), each tile's components into slices of {@code
 * sliceLength} (one panel's slice stays in L1 while every row group passes it), and a {@link MicroKernel} multiplies
 * one group of rows by one panel slice in registers.
 *
 * <p>Why results are bit-identical whatever the block: every output out[i][j] is the same sequence of float
 * operations, Σ over slices (in order) of (Σ over k in the slice, in order), with no cross-lane reduction; which rows
 * share a group, which panel a bank row sits in, and how many rows the block has change nothing of it.
 */
final class BlockedProduct {

    /** One register tile: rows [row0, row0+rowCount) of a against panel p of b, components [k0, k1). */
    interface MicroKernel {
        /** Rows of a per register tile. */
        int groupRows();

        /**
         * Computes the slice's partial dot products for {@code cols} valid bank rows of the panel and adds them to
         * out[i*stride + col0 + c] (or stores them when {@code first}).
         */
        void tile(
                float[] a,
                int aOff,
                int rowCount,
                int d,
                float[] panels,
                int panelOff,
                int k0,
                int k1,
                boolean first,
                float[] out,
                int outOff,
                int stride,
                int cols);
    }

    /** Bytes of packed b per tile: at most half of a 1 MiB L2, leaving room for the block of a and the output tile. */
    private static final int TILE_BYTES = 512 * 1024;

    private BlockedProduct() {}

    /** out[i*nb + j] = dot(row aRow0+i of a, row j of b) for i in [0, na), j in [0, nb) where nb = b.rows(). */
    static void multiply(MicroKernel kernel, int sliceLength, float[] a, int aRow0, int na, PackedRows b, float[] out) {
        int d = b.dimension();
        int nb = b.rows();
        int w = b.width();
        int panels = b.panelCount();
        int tilePanels = Math.max(1, TILE_BYTES / (4 * w * Math.max(1, d)));
        int group = kernel.groupRows();
        float[] packed = b.panels();
        if (d == 0) {
            java.util.Arrays.fill(out, 0, na * nb, 0f);
            return;
        }
        for (int p0 = 0; p0 < panels; p0 += tilePanels) {
            int p1 = Math.min(panels, p0 + tilePanels);
            for (int k0 = 0; k0 < d; k0 += sliceLength) {
                int k1 = Math.min(d, k0 + sliceLength);
                for (int p = p0; p < p1; p++) {
                    int cols = Math.min(w, nb - p * w);
                    int panelOff = b.offset(p, 0);
                    for (int i = 0; i < na; i += group) {
                        int rowCount = Math.min(group, na - i);
                        kernel.tile(
                                a,
                                (aRow0 + i) * d,
                                rowCount,
                                d,
                                packed,
                                panelOff,
                                k0,
                                k1,
                                k0 == 0,
                                out,
                                i * nb + p * w,
                                nb,
                                cols);
                    }
                }
            }
        }
    }

    /**
     * One row q against the row-major rows of b, without packing b: out[j] = dot(q, row j of b) by the same
     * operations, per output, as {@link #multiply} (a running sum per slice, multiply-adds fused or not as the
     * kernel does them, slices added in order), so a document's similarities computed alone equal, bit for bit, those
     * of a block. Four outputs at once keep four independent chains in flight.
     */
    static void rowAgainstRows(
            float[] q, int qOff, float[] b, int nb, int d, int sliceLength, boolean fused, float[] out) {
        int j = 0;
        for (; j + 4 <= nb; j += 4) {
            int b0 = j * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
            float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
            for (int k0 = 0; k0 < d; k0 += sliceLength) {
                int k1 = Math.min(d, k0 + sliceLength);
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int k = k0; k < k1; k++) {
                    float x = q[qOff + k];
                    s0 = madd(fused, x, b[b0 + k], s0);
                    s1 = madd(fused, x, b[b1 + k], s1);
                    s2 = madd(fused, x, b[b2 + k], s2);
                    s3 = madd(fused, x, b[b3 + k], s3);
                }
                boolean first = k0 == 0;
                t0 = first ? s0 : t0 + s0;
                t1 = first ? s1 : t1 + s1;
                t2 = first ? s2 : t2 + s2;
                t3 = first ? s3 : t3 + s3;
            }
            out[j] = t0;
            out[j + 1] = t1;
            out[j + 2] = t2;
            out[j + 3] = t3;
        }
        for (; j < nb; j++) {
            float t = 0;
            for (int k0 = 0; k0 < d; k0 += sliceLength) {
                int k1 = Math.min(d, k0 + sliceLength);
                float s = 0;
                for (int k = k0; k < k1; k++) {
                    s = madd(fused, q[qOff + k], b[j * d + k], s);
                }
                t = k0 == 0 ? s : t + s;
            }
            out[j] = t;
        }
    }

    private static float madd(boolean fused, float x, float y, float acc) {
        return fused ? Math.fma(x, y, acc) : acc + x * y;
    }
}

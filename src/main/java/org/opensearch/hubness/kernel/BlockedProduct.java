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

    /** One register tile: a group of rows of a against one panel of b, components [k0, k1). */
    interface MicroKernel {
        /** Rows of a per register tile. */
        int groupRows();

        /**
         * Computes the slice's partial dot products for {@code t.cols} valid bank rows of the panel and adds them to
         * out[outOff + i*stride + c] (or stores them when {@code t.first}).
         */
        void tile(Tile t);
    }

    /**
     * Where one register tile reads and writes. One instance per {@link #multiply} call, moved along as its loops
     * advance (no allocation per tile); the arrays and the strides stay, the offsets and counts change.
     */
    static final class Tile {
        final float[] a;
        final int d;
        final float[] panels;
        final float[] out;
        final int stride;
        /** Offset of the group's first row in a, and the group's row count. */
        int aOff, rowCount;
        /** Offset of the panel in the packed b, and its valid bank rows (columns of out). */
        int panelOff, cols;
        /** The slice of components; {@code first} when it is the first slice (store, do not add). */
        int k0, k1;

        boolean first;
        /** Offset in out of the group's first row at the panel's first column. */
        int outOff;

        Tile(float[] a, int d, float[] panels, float[] out, int stride) {
            this.a = a;
            this.d = d;
            this.panels = panels;
            this.out = out;
            this.stride = stride;
        }
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
        Tile t = new Tile(a, d, packed, out, nb);
        for (int p0 = 0; p0 < panels; p0 += tilePanels) {
            int p1 = Math.min(panels, p0 + tilePanels);
            for (int k0 = 0; k0 < d; k0 += sliceLength) {
                t.k0 = k0;
                t.k1 = Math.min(d, k0 + sliceLength);
                t.first = k0 == 0;
                for (int p = p0; p < p1; p++) {
                    t.cols = Math.min(w, nb - p * w);
                    t.panelOff = b.offset(p, 0);
                    for (int i = 0; i < na; i += group) {
                        t.aOff = (aRow0 + i) * d;
                        t.rowCount = Math.min(group, na - i);
                        t.outOff = i * nb + p * w;
                        kernel.tile(t);
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

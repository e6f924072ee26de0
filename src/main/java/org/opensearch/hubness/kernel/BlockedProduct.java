package org.opensearch.hubness.kernel;

/**
 * The loop nest both kernels share for a block of rows of a against a packed b. The block's rows are first copied
 * into groups of {@link MicroKernel#groupRows()} rows stored component-major (for every k, the k-th components of the
 * group's rows side by side), so the register tile reads one short contiguous run per component instead of one
 * stream per row; a last group short of rows is padded with zero rows and runs through the same tile. Then b is
 * walked panel by panel in memory order (a panel is contiguous, so the hardware prefetcher streams it from memory),
 * each panel's components are cut into slices of {@code sliceLength} (one slice stays in L1 while every row group
 * passes it; the whole block of a stays in L2), and a {@link MicroKernel} multiplies one group of rows by one panel
 * slice in registers.
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
         * Computes the slice's partial dot products of the {@link #groupRows()} rows stored component-major at
         * grouped[gOff + k*groupRows() + r] against {@code cols} valid bank rows of the panel, and adds them to
         * out[outOff + r*stride + c] (or stores them when {@code first}).
         */
        void group(
                float[] grouped,
                int gOff,
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

    /**
     * Per thread, the grouped copy of the last block, reused: a fresh one per call would be a large allocation (above
     * G1's humongous threshold at d = 768 with a 2 GiB heap) for every block. Kept only up to 4 MiB per thread.
     */
    private static final ThreadLocal<float[]> GROUPED = new ThreadLocal<>();

    /** Per thread, the outputs of the last, padded row group (one group × the bank), reused like {@link #GROUPED}. */
    private static final ThreadLocal<float[]> TAIL = new ThreadLocal<>();

    private static final int MAX_KEPT = 1 << 20;

    private BlockedProduct() {}

    /** out[i*nb + j] = dot(row aRow0+i of a, row j of b) for i in [0, na), j in [0, nb) where nb = b.rows(). */
    static void multiply(MicroKernel kernel, int sliceLength, float[] a, int aRow0, int na, PackedRows b, float[] out) {
        int d = b.dimension();
        int nb = b.rows();
        int w = b.width();
        int group = kernel.groupRows();
        int full = na / group * group;
        float[] packed = b.panels();
        if (d == 0) {
            java.util.Arrays.fill(out, 0, na * nb, 0f);
            return;
        }
        float[] grouped = group(a, aRow0, na, d, group);
        // the rows after the last full group run through the same tile as a group padded with zero rows, into a
        // scratch (out has no room for the padding rows): one row alone would be one accumulator chain, ~8x slower
        float[] tail = full < na ? scratch(TAIL, group * nb) : null;
        for (int p = 0, panels = b.panelCount(); p < panels; p++) {
            int cols = Math.min(w, nb - p * w);
            int panelOff = b.offset(p, 0);
            for (int k0 = 0; k0 < d; k0 += sliceLength) {
                int k1 = Math.min(d, k0 + sliceLength);
                boolean first = k0 == 0;
                for (int i = 0; i < full; i += group) {
                    kernel.group(grouped, i * d, packed, panelOff, k0, k1, first, out, i * nb + p * w, nb, cols);
                }
                if (tail != null) {
                    kernel.group(grouped, full * d, packed, panelOff, k0, k1, first, tail, p * w, nb, cols);
                }
            }
        }
        if (tail != null) {
            System.arraycopy(tail, 0, out, full * nb, (na - full) * nb);
        }
    }

    /**
     * Rows [row0, row0+n) of the row-major a as groups of g rows stored component-major, the last group padded with
     * zero rows, in the first ceil(n/g)·g·d floats of the returned array (this thread's scratch: valid until its next
     * call).
     */
    static float[] group(float[] a, int row0, int n, int d, int g) {
        int padded = (n + g - 1) / g * g;
        float[] grouped = scratch(GROUPED, padded * d);
        for (int i = 0; i < padded; i += g) {
            for (int r = 0; r < g; r++) {
                int dst = i * d + r;
                if (i + r >= n) {
                    for (int k = 0; k < d; k++, dst += g) {
                        grouped[dst] = 0f;
                    }
                    continue;
                }
                int src = (row0 + i + r) * d;
                for (int k = 0; k < d; k++, dst += g) {
                    grouped[dst] = a[src + k];
                }
            }
        }
        return grouped;
    }

    /** This thread's scratch of at least {@code size} floats (contents undefined); kept only up to 4 MiB. */
    private static float[] scratch(ThreadLocal<float[]> kept, int size) {
        float[] s = kept.get();
        if (s == null || s.length < size) {
            s = new float[size];
            if (s.length <= MAX_KEPT) {
                kept.set(s);
            }
        }
        return s;
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

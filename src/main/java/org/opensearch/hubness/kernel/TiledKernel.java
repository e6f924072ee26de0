package org.opensearch.hubness.kernel;

/**
 * What both kernels share: the packing, the loop nest ({@link BlockedProduct}) and the unpacked one-row path; a
 * kernel brings its register tile (a {@link BlockedProduct.MicroKernel}), its panel width, its slice length and
 * whether its multiply-adds are fused.
 */
abstract class TiledKernel implements Kernel {

    private final int width;
    private final int sliceLength;
    private final boolean fused;
    private final BlockedProduct.MicroKernel micro;

    TiledKernel(int width, int sliceLength, boolean fused, BlockedProduct.MicroKernel micro) {
        this.width = width;
        this.sliceLength = sliceLength;
        this.fused = fused;
        this.micro = micro;
    }

    @Override
    public final PackedRows pack(float[] rows, int n, int d) {
        return PackedRows.pack(rows, n, d, width);
    }

    @Override
    public final void dotManyToMany(float[] a, int aRow0, int na, PackedRows b, float[] out) {
        if (b.width() != width) {
            throw new IllegalArgumentException(
                    "rows packed in panels of " + b.width() + " for another kernel; this one needs " + width);
        }
        BlockedProduct.multiply(micro, sliceLength, a, aRow0, na, b, out);
    }

    @Override
    public final void dotOneToMany(float[] q, int qRow, float[] b, int nb, int d, float[] out) {
        BlockedProduct.rowAgainstRows(q, qRow * d, b, nb, d, sliceLength, fused, out);
    }
}

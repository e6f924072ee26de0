package org.opensearch.hubness.kernel;

/**
 * A matrix of n rows of dimension d, repacked for {@link Kernel#dotManyToMany(float[], int, int, PackedRows, float[])}:
 * panels of {@code width} consecutive rows, each stored component-major (for every k, the k-th components of the
 * panel's rows side by side), so one vector load yields one component of {@code width} rows. The last panel is padded
 * with zero rows. Pack a bank once and multiply every gallery block against it.
 */
public final class PackedRows {

    private final float[] panels;
    private final int rows;
    private final int dimension;
    private final int width;

    private PackedRows(float[] panels, int rows, int dimension, int width) {
        this.panels = panels;
        this.rows = rows;
        this.dimension = dimension;
        this.width = width;
    }

    /** Packs the row-major n×d matrix m into panels of {@code width} rows. */
    static PackedRows pack(float[] m, int n, int d, int width) {
        int panelCount = (n + width - 1) / width;
        float[] panels = new float[panelCount * width * d];
        for (int p = 0; p < panelCount; p++) {
            int base = p * width * d;
            int inPanel = Math.min(width, n - p * width);
            for (int c = 0; c < inPanel; c++) {
                int src = (p * width + c) * d;
                for (int k = 0; k < d; k++) {
                    panels[base + k * width + c] = m[src + k];
                }
            }
        }
        return new PackedRows(panels, n, d, width);
    }

    public int rows() {
        return rows;
    }

    public int dimension() {
        return dimension;
    }

    /** Rows per panel: the kernel's register tile width; a packing only fits the kernel that made it. */
    public int width() {
        return width;
    }

    int panelCount() {
        return (rows + width - 1) / width;
    }

    /** Offset of component k of panel p in {@link #panels()}. */
    int offset(int panel, int k) {
        return (panel * dimension + k) * width;
    }

    float[] panels() {
        return panels;
    }

    /** Memory held, for callers that account for it. */
    public long bytes() {
        return 4L * panels.length;
    }
}

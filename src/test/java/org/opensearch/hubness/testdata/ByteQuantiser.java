package org.opensearch.hubness.testdata;

/**
 * Turns float embeddings into k-NN byte vectors the way the tests (and docs/user-guide.md) do it: one scale for the
 * whole data set, q = round(clamp(x · 127 / max|x|, −128, 127)), so queries, gallery and banks stay in one space.
 */
public final class ByteQuantiser {

    private final double scale;

    /** The scale from every value that will be quantised (all matrices of the data set). */
    public ByteQuantiser(float[]... all) {
        double max = 0;
        for (float[] m : all) for (float x : m) max = Math.max(max, Math.abs(x));
        if (max == 0) throw new IllegalArgumentException("all values are zero");
        this.scale = 127 / max;
    }

    /** The quantised values, as floats holding integers in [−128, 127]. */
    public float[] quantise(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Math.round(Math.max(-128, Math.min(127, values[i] * scale)));
        return out;
    }
}

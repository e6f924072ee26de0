package org.opensearch.hubness.norm;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The similarity s(x, y) of the vector field: cosine (dot of unit vectors) or the raw inner product. */
public enum Similarity {
    COSINE,
    DOT;

    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Similarity fromString(String name) {
        for (Similarity s : values()) {
            if (s.externalName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown similarity [" + name + "]; valid values are "
            + Arrays.stream(values()).map(Similarity::externalName).collect(Collectors.joining(", ")));
    }

    /** Cosine: an L2-normalised copy (the input is left alone). Dot: the input itself. */
    public float[] prepare(float[] v) {
        if (this == DOT) {
            return v;
        }
        float[] copy = v.clone();
        normalise(copy, 0, copy.length, "vector");
        return copy;
    }

    /** s(x, y) of two prepared vectors: exact float products summed in double, as the offline scorer computes it. */
    public static double of(float[] x, float[] y) {
        return SimilarityBlocks.exactDot(x, 0, y, 0, x.length);
    }

    /** Prepares each row of the row-major n×d matrix in place. */
    public void prepareRows(float[] rows, int n, int d) {
        if (this == DOT) {
            return;
        }
        for (int i = 0; i < n; i++) {
            normalise(rows, i * d, d, "row " + i);
        }
    }

    private static void normalise(float[] v, int off, int d, String what) {
        double sq = 0;
        for (int i = 0; i < d; i++) {
            sq += (double) v[off + i] * v[off + i];
        }
        double norm = Math.sqrt(sq);
        if (norm == 0 || !Double.isFinite(norm)) {
            throw new IllegalArgumentException(what + " has " + (norm == 0 ? "zero length" : "a non-finite length")
                + "; cosine similarity needs a non-zero vector of finite numbers");
        }
        for (int i = 0; i < d; i++) {
            // divide in double so the stored float is the correctly rounded unit component
            v[off + i] = (float) (v[off + i] / norm);
        }
    }
}

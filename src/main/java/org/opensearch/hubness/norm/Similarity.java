package org.opensearch.hubness.norm;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The similarity s(x, y) of the vector field: cosine (dot of unit vectors), the raw inner product, or l2, defined as
 * s = −‖x − y‖² (larger is closer, as for the other two; docs/method.md).
 */
public enum Similarity {
    COSINE,
    DOT,
    L2;

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

    /** Cosine: an L2-normalised copy (the input is left alone). Dot and l2: the input itself. */
    public float[] prepare(float[] v) {
        if (this != COSINE) {
            return v;
        }
        return prepareInto(v, new float[v.length]);
    }

    /**
     * {@code prepare(raw)} written into {@code out} (cosine; {@code out} has raw's length) or raw itself (dot, l2):
     * the same floats as {@link #prepare}, without allocating.
     */
    public float[] prepareInto(float[] raw, float[] out) {
        if (this != COSINE) {
            return raw;
        }
        unitInto(raw, 0, raw.length, out, 0, "vector");
        return out;
    }

    /**
     * s(q, prepare(raw)) for a prepared query, bit-identical to {@code score(q, prepare(raw))} without making the
     * prepared copy: for cosine each unit component is rounded to float as {@link #prepare} rounds it, then multiplied
     * and summed in the order of {@link #of}.
     *
     * @throws IllegalArgumentException for cosine, when raw has a zero or non-finite length (as {@link #prepare})
     */
    public double scoreRaw(float[] preparedQuery, float[] raw) {
        if (this != COSINE) {
            return score(preparedQuery, raw);
        }
        return SimilarityBlocks.exactDotOfUnit(preparedQuery, raw, length(raw, 0, raw.length, "vector"));
    }

    /** The dot product of two prepared vectors: exact float products summed in double, as the offline scorer computes it. */
    public static double of(float[] x, float[] y) {
        return SimilarityBlocks.exactDot(x, 0, y, 0, x.length);
    }

    /** s(x, y) of two prepared vectors in double, as the offline scorer computes it: the dot, or −‖x − y‖² for l2. */
    public double score(float[] x, float[] y) {
        return this == L2 ? SimilarityBlocks.exactNegativeSquaredDistance(x, 0, y, 0, x.length) : of(x, y);
    }

    /** Prepares each row of the row-major n×d matrix in place. */
    public void prepareRows(float[] rows, int n, int d) {
        if (this != COSINE) {
            return;
        }
        for (int i = 0; i < n; i++) {
            unitInto(rows, i * d, d, rows, i * d, "row " + i);
        }
    }

    /** The unit vector of {@code src[off, off + d)} into {@code dst} from {@code dstOff} (dst may be src). */
    private static void unitInto(float[] src, int off, int d, float[] dst, int dstOff, String what) {
        double norm = length(src, off, d, what);
        for (int i = 0; i < d; i++) {
            // divide in double so the stored float is the correctly rounded unit component
            dst[dstOff + i] = (float) (src[off + i] / norm);
        }
    }

    /** ‖v‖ in double, checked: cosine needs a non-zero length of finite numbers. */
    private static double length(float[] v, int off, int d, String what) {
        double sq = 0;
        for (int i = 0; i < d; i++) {
            sq += (double) v[off + i] * v[off + i];
        }
        double norm = Math.sqrt(sq);
        if (norm == 0 || !Double.isFinite(norm)) {
            throw new IllegalArgumentException(what + " has " + (norm == 0 ? "zero length" : "a non-finite length")
                    + "; cosine similarity needs a non-zero vector of finite numbers");
        }
        return norm;
    }
}

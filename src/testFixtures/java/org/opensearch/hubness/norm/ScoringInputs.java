package org.opensearch.hubness.norm;

import org.opensearch.hubness.kernel.FiniteCheck;

/**
 * What {@link OfflineScorer} scores: queries, gallery and the two banks, row-major, already prepared for
 * {@code similarity} ({@link Similarity#prepareRows}). A bank may be null (its count is then 0) when no method that
 * needs it will be asked for. Checked on construction: shapes match the counts, every value is finite.
 */
public record ScoringInputs(
        Similarity similarity,
        float[] queries,
        int nq,
        float[] gallery,
        int n,
        float[] queryBank,
        int mq,
        float[] galleryBank,
        int mg,
        int d) {

    public ScoringInputs {
        checked(queries, nq, d, "queries");
        checked(gallery, n, d, "gallery");
        if (queryBank == null) mq = 0;
        else checked(queryBank, mq, d, "query bank");
        if (galleryBank == null) mg = 0;
        else checked(galleryBank, mg, d, "gallery bank");
    }

    private static void checked(float[] v, int rows, int d, String what) {
        if (v == null) {
            throw new IllegalArgumentException(what + " are missing");
        }
        if (rows < 1 || d < 1 || v.length != rows * d) {
            throw new IllegalArgumentException(what + ": expected " + rows + "×" + d + " values, got " + v.length);
        }
        FiniteCheck.requireFinite(v, what);
    }
}

package org.opensearch.hubness.rescore;

/**
 * The fixed score maps of the hubness rescorer. They are the same on every shard and every request (no per-shard
 * offset, no per-window normalisation), so scores from different shards stay comparable when the coordinator merges.
 * <ul>
 *   <li>{@link #positive}: log-score x (any real) to a positive number, strictly increasing:
 *       {@code x >= 0 ? 1 + x : 1 / (1 - x)}, so (0, 1) for negative x, [1, ∞) otherwise.</li>
 *   <li>{@link #windowScore}: a window hit's final score is {@code 1 + combine(primary, secondary)}, which is ≥ 1
 *       because the first-pass score, the weights and {@link #positive} are all ≥ 0.</li>
 *   <li>{@link #belowWindow}: hits below the window (and window hits without a vector) keep their first-pass order
 *       with {@code s / (1 + s)}, which lies in [0, 1) for the non-negative scores Lucene produces.</li>
 * </ul>
 * So every rescored hit scores ≥ 1 and every other hit &lt; 1, on each shard and after the shards are merged.
 */
public final class ScoreMapping {

    private ScoreMapping() {}

    public static double positive(double logScore) {
        if (Double.isNaN(logScore)) throw new IllegalStateException("hubness log-score is NaN");
        return logScore >= 0 ? 1 + logScore : 1 / (1 - logScore);
    }

    public static double windowScore(
            ScoreMode mode, double firstPass, float queryWeight, double logScore, float rescoreQueryWeight) {
        double primary = Math.max(0, sanitise(firstPass)) * queryWeight;
        double secondary = positive(logScore) * rescoreQueryWeight;
        double combined = mode.combine(primary, secondary);
        if (!(combined >= 0)) combined = 0; // NaN or negative cannot happen with the checks above
        if (Double.isInfinite(combined)) combined = Float.MAX_VALUE - 1;
        return 1 + combined;
    }

    public static float belowWindow(float firstPass) {
        double s = Math.max(0, sanitise(firstPass));
        if (Double.isInfinite(s)) return Math.nextDown(1f);
        float mapped = (float) (s / (1 + s));
        return mapped >= 1f ? Math.nextDown(1f) : mapped;
    }

    private static double sanitise(double s) {
        return Double.isNaN(s) ? 0 : s;
    }
}

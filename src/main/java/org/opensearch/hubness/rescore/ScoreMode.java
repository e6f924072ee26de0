package org.opensearch.hubness.rescore;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the hubness score combines with the first-pass score, as in the query rescorer: {@code primary} is the
 * first-pass score times {@code query_weight}, {@code secondary} the normalised hubness score times
 * {@code rescore_query_weight}. {@code replace} (the default) keeps only the secondary.
 */
public enum ScoreMode {
    TOTAL,
    MULTIPLY,
    AVG,
    MAX,
    MIN,
    REPLACE;

    public double combine(double primary, double secondary) {
        return switch (this) {
            case TOTAL -> primary + secondary;
            case MULTIPLY -> primary * secondary;
            case AVG -> (primary + secondary) / 2;
            case MAX -> Math.max(primary, secondary);
            case MIN -> Math.min(primary, secondary);
            case REPLACE -> secondary;
        };
    }

    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ScoreMode fromString(String s) {
        for (ScoreMode m : values()) {
            if (m.externalName().equalsIgnoreCase(s)) return m;
        }
        throw new IllegalArgumentException("unknown score_mode [" + s + "]; valid values are "
                + Arrays.stream(values()).map(ScoreMode::externalName).collect(Collectors.joining(", ")));
    }
}

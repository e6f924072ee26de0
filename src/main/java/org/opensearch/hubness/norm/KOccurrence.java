/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.norm;

import java.util.Arrays;

/** The k-occurrence N_k of gallery items: the hubness report's skewness. */
public final class KOccurrence {

    private KOccurrence() {}

    /**
     * Population skewness (scipy.stats.skew with bias=True) of N_k(g), the number of queries whose top-k
     * (the first k entries of each row of topK) contains g, over ALL gallery items, zeros included.
     * NaN when every N_k is equal (zero variance), as scipy.
     */
    public static double skewness(int[][] topK, int nGallery, int k) {
        double[] counts = new double[nGallery];
        for (int[] row : topK) {
            for (int r = 0; r < Math.min(k, row.length); r++) {
                counts[row[r]]++;
            }
        }
        double mean = Arrays.stream(counts).average().orElse(Double.NaN);
        double m2 = 0, m3 = 0;
        for (double c : counts) {
            double dev = c - mean;
            m2 += dev * dev;
            m3 += dev * dev * dev;
        }
        return fromSums(m2, m3, nGallery);
    }

    /**
     * The same skewness from the nonzero N_k only: {@code counts} holds N_k(g) of the gallery items that occur in some
     * list, and the other {@code nGallery - counts.length} items have N_k = 0. Needs no array the size of the gallery.
     */
    public static double skewnessOfNonZero(int[] counts, long nGallery) {
        if (nGallery < counts.length || nGallery < 1) {
            throw new IllegalArgumentException(counts.length + " counts cannot come from a gallery of " + nGallery);
        }
        double sum = 0;
        for (int c : counts) sum += c;
        double mean = sum / nGallery;
        long zeros = nGallery - counts.length;
        double m2 = zeros * mean * mean, m3 = -zeros * mean * mean * mean;
        for (int c : counts) {
            double dev = c - mean;
            m2 += dev * dev;
            m3 += dev * dev * dev;
        }
        return fromSums(m2, m3, nGallery);
    }

    /** m3 / m2^1.5 from the sums of squared and cubed deviations over n items; NaN when m2 is zero. */
    private static double fromSums(double sumSquares, double sumCubes, long n) {
        double m2 = sumSquares / n, m3 = sumCubes / n;
        if (m2 == 0) {
            return Double.NaN;
        }
        return m3 / Math.pow(m2, 1.5);
    }
}

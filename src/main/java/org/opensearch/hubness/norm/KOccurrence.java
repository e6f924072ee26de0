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
        m2 /= nGallery;
        m3 /= nGallery;
        if (m2 == 0) {
            return Double.NaN;
        }
        return m3 / Math.pow(m2, 1.5);
    }
}

/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.norm;

import java.util.HashMap;
import java.util.Map;

/**
 * The k-occurrence of the gallery as one bank sees it: N_k(g), the number of the bank's vectors that have gallery
 * document g in their raw top-k (by similarity, ties to the smaller key), for every document that has N_k ≥ 1 (all
 * others have 0), and the population skewness of N_k over all {@code documents}, zeros included (as
 * scipy.stats.skew(bias=True); NaN when every N_k is equal).
 */
public record HubCounts(int k, long documents, Map<Long, Integer> counts, double skewness) {

    public HubCounts {
        counts = Map.copyOf(counts);
    }

    /** From each list's first {@code k} entries of {@code top} (one list per bank vector) over {@code documents}. */
    static HubCounts of(TopKTracker top, int k, long documents) {
        Map<Long, Integer> counts = new HashMap<>();
        for (int b = 0; b < top.lists(); b++) {
            for (int r = 0; r < Math.min(k, top.count(b)); r++) {
                counts.merge(top.key(b, r), 1, Integer::sum);
            }
        }
        int[] nonZero = counts.values().stream().mapToInt(Integer::intValue).toArray();
        return new HubCounts(k, documents, counts, KOccurrence.skewnessOfNonZero(nonZero, documents));
    }
}

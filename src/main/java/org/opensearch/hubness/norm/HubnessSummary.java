package org.opensearch.hubness.norm;

import java.util.HashMap;
import java.util.Map;

/**
 * Hubness of the gallery as the query bank sees it, before and after each method: each of the first
 * {@code queryBankVectors} query-bank vectors ranks the whole gallery, and the N_k occurrence distribution gives the
 * skewness, the share of hubs (N_k above twice its mean) and of anti-hubs (N_k = 0) and the largest N_k.
 */
public record HubnessSummary(int k, int queryBankVectors, long galleryDocuments, Map<Method, MethodHubness> methods) {

    public HubnessSummary {
        methods = Map.copyOf(methods);
    }

    /** N_k statistics of one method; the skewness is NaN when every N_k is equal. */
    public record MethodHubness(double nkSkewness, double hubShare, double antiHubShare, int maxNk) {

        /** From the top-k keys of each query-bank vector over a gallery of {@code documents}. */
        static MethodHubness of(long[][] topK, long documents, int k) {
            // documents named in some list get dense indices; all others have N_k = 0
            Map<Long, Integer> index = new HashMap<>();
            int[][] dense = new int[topK.length][];
            for (int b = 0; b < topK.length; b++) {
                dense[b] = new int[topK[b].length];
                for (int r = 0; r < topK[b].length; r++) {
                    dense[b][r] = index.computeIfAbsent(topK[b][r], key -> index.size());
                }
            }
            int n = Math.toIntExact(documents);
            int[] counts = new int[index.size()];
            for (int[] row : dense) {
                for (int g : row) {
                    counts[g]++;
                }
            }
            double mean = (double) k * topK.length / n;
            int hubs = 0, max = 0;
            for (int c : counts) {
                if (c > 2 * mean) {
                    hubs++;
                }
                max = Math.max(max, c);
            }
            int antiHubs = n - index.size();
            for (int c : counts) {
                if (c == 0) {
                    antiHubs++;
                }
            }
            double skew = KOccurrence.skewness(dense, n, k);
            return new MethodHubness(skew, (double) hubs / n, (double) antiHubs / n, max);
        }
    }
}

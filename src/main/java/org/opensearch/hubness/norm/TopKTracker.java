package org.opensearch.hubness.norm;

/**
 * Keeps the top-k (value, index) pairs of many lists at once. Candidates must be offered in increasing
 * index order per list: then "strictly greater enters" breaks ties to the smaller index.
 */
public final class TopKTracker {

    private final int k;
    private final double[] values;
    private final int[] indices;
    private final int[] counts;

    public TopKTracker(int lists, int k) {
        this.k = k;
        this.values = new double[lists * k];
        this.indices = new int[lists * k];
        this.counts = new int[lists];
    }

    public void offer(int list, double value, int index) {
        int base = list * k;
        int count = counts[list];
        if (count == k && !(value > values[base + k - 1])) {
            return;
        }
        int pos = count < k ? count : k - 1;
        if (count < k) {
            counts[list] = count + 1;
        }
        while (pos > 0 && values[base + pos - 1] < value) {
            values[base + pos] = values[base + pos - 1];
            indices[base + pos] = indices[base + pos - 1];
            pos--;
        }
        values[base + pos] = value;
        indices[base + pos] = index;
    }

    public int count(int list) {
        return counts[list];
    }

    /** The r-th best index of a list, r = 0 being the best. */
    public int index(int list, int r) {
        return indices[list * k + r];
    }
}

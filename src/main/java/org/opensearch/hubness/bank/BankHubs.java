/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.bank;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hubs of one bank of a built version: for the gallery documents that occur in the most of the bank's vectors' raw
 * top-{@code k} lists, their N_k, most first (ties by {@code _id} in ascending String order), at most {@link
 * #MAX_STORED} of them; and the population skewness of N_k over all {@code documents} of the gallery, zeros included
 * (NaN when every N_k is equal). Computed by the build's gallery pass, stored in the version's manifest.
 */
public final class BankHubs {

    /** How many hubs a version stores per bank, and so the largest {@code size} of the hubs API. */
    public static final int MAX_STORED = 1000;

    /** One hub: its {@code _id} and N_k. */
    public record Hub(String id, int count) {}

    /** Count descending, then {@code _id} ascending: a total order, so the stored top list is one list. */
    public static final Comparator<Hub> ORDER =
            Comparator.comparingInt(Hub::count).reversed().thenComparing(Hub::id);

    private final int k;
    private final long documents;
    private final double skewness;
    private final List<Hub> hubs;
    private final Map<String, Integer> rankById = new HashMap<>();

    /** @param hubs in {@link #ORDER}, at most {@link #MAX_STORED} */
    public BankHubs(int k, long documents, double skewness, List<Hub> hubs) {
        if (hubs.size() > MAX_STORED) {
            throw new IllegalArgumentException(hubs.size() + " hubs, at most " + MAX_STORED + " are stored");
        }
        this.k = k;
        this.documents = documents;
        this.skewness = skewness;
        this.hubs = List.copyOf(hubs);
        for (int i = 0; i < this.hubs.size(); i++) {
            if (i > 0 && ORDER.compare(this.hubs.get(i - 1), this.hubs.get(i)) >= 0) {
                throw new IllegalArgumentException("hubs out of order at " + i + ": " + this.hubs.get(i));
            }
            rankById.put(this.hubs.get(i).id(), i);
        }
    }

    /** The top {@link #MAX_STORED} of every document's N_k (the documents with N_k ≥ 1), in {@link #ORDER}. */
    public static BankHubs top(int k, long documents, double skewness, List<Hub> all) {
        List<Hub> sorted = all.stream().sorted(ORDER).limit(MAX_STORED).toList();
        return new BankHubs(k, documents, skewness, sorted);
    }

    public int k() {
        return k;
    }

    public long documents() {
        return documents;
    }

    public double skewness() {
        return skewness;
    }

    public List<Hub> hubs() {
        return hubs;
    }

    /** The stored hub with this {@code _id}, or null when the document is not among them. */
    public Hub hub(String id) {
        Integer rank = rankById.get(id);
        return rank == null ? null : hubs.get(rank);
    }

    /** 1-based rank of a stored hub. */
    public int rank(String id) {
        return rankById.get(id) + 1;
    }
}

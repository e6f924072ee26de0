/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */

package org.opensearch.hubness.cache;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.SingleDocTerms;

/**
 * One document's bank terms computed on a search (a cache miss, or a request that overrides β) against the banks of
 * the bank version as {@link BankMatrix}es made once per version: for an l2 bank the banks' row norms are then summed
 * once per version instead of once per document. The rows of similarities a document needs (O(bank)) live in
 * {@link SingleDocTerms} kept in a pool per version and reused from document to document, so a miss allocates its few
 * terms, not O(bank); the pool holds as many as searches ran at once. The same arithmetic as
 * {@link DocTermsCalculator#computeSingle(org.opensearch.hubness.norm.Similarity, float[], float[], int, float[], int,
 * int, NormParams)}, so the terms are bit-identical.
 *
 * <p>One entry per bank name, the version last used, compared by identity: a node mostly serves one version per bank,
 * and a newer version replaces it, so nothing outlives its version by more than one replacement; a deleted bank's
 * entry goes with its cache entries ({@link #forget}).
 */
public final class PackedBanks {

    record Entry(LoadedBank bank, BankMatrix queryBank, BankMatrix galleryBank, Queue<SingleDocTerms> idle) {

        DocTerms terms(float[] prepared, NormParams p) {
            SingleDocTerms calculator = idle.poll();
            if (calculator == null) calculator = new SingleDocTerms(bank.similarity(), queryBank, galleryBank);
            try {
                return calculator.compute(prepared, p);
            } finally {
                idle.offer(calculator);
            }
        }
    }

    private static final Map<String, Entry> LAST = new ConcurrentHashMap<>();

    private PackedBanks() {}

    /** The terms of one prepared gallery vector under bank b with parameters p (the bank's, or a request's β). */
    public static DocTerms terms(LoadedBank b, float[] prepared, NormParams p) {
        return matrices(b).terms(prepared, p);
    }

    static Entry matrices(LoadedBank b) {
        Entry e = LAST.get(b.name());
        if (e == null || e.bank() != b) { // a benign race: two threads may both make one, with equal contents
            e = new Entry(
                    b,
                    BankMatrix.of(b.queryBank(), b.queryBankSize(), b.dimension()),
                    BankMatrix.of(b.galleryBank(), b.galleryBankSize(), b.dimension()),
                    new ConcurrentLinkedQueue<>());
            LAST.put(b.name(), e);
        }
        return e;
    }

    /** Drops the entry of a bank (all with null), e.g. when the bank is deleted. */
    static void forget(String bank) {
        if (bank == null) LAST.clear();
        else LAST.remove(bank);
    }
}

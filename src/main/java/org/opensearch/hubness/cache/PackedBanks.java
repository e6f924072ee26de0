/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */

package org.opensearch.hubness.cache;

import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.norm.NormParams;

/**
 * One document's bank terms computed on a search (a cache miss, or a request that overrides β) against the banks of
 * the bank version as {@link BankMatrix}es made once per version: for an l2 bank the banks' row norms are then summed
 * once per version instead of once per document (a single document's dot products take the kernel's one-to-many path
 * either way; nothing here packs the bank). The same arithmetic as
 * {@link DocTermsCalculator#computeSingle(org.opensearch.hubness.norm.Similarity, float[], float[], int, float[], int,
 * int, NormParams)}, so the terms are bit-identical. A miss still allocates O(bank) for its similarity rows.
 *
 * <p>One entry, the version last used, compared by identity: a node mostly serves one version per bank, and a newer
 * version (or another bank) simply replaces it, so nothing outlives its version by more than one replacement.
 */
public final class PackedBanks {

    record Entry(LoadedBank bank, BankMatrix queryBank, BankMatrix galleryBank) {}

    private static volatile Entry last;

    private PackedBanks() {}

    /** The terms of one prepared gallery vector under bank b with parameters p (the bank's, or a request's β). */
    public static DocTerms terms(LoadedBank b, float[] prepared, NormParams p) {
        Entry e = matrices(b);
        return DocTermsCalculator.compute(
                b.similarity(), prepared, 1, e.queryBank(), e.galleryBank(), p, DotPrecision.FLOAT);
    }

    static Entry matrices(LoadedBank b) {
        Entry e = last;
        if (e == null || e.bank() != b) { // a benign race: two threads may both make one, with equal contents
            e = new Entry(
                    b,
                    BankMatrix.of(b.queryBank(), b.queryBankSize(), b.dimension()),
                    BankMatrix.of(b.galleryBank(), b.galleryBankSize(), b.dimension()));
            last = e;
        }
        return e;
    }
}

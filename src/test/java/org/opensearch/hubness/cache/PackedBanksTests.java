/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */

package org.opensearch.hubness.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/** A search's terms against the once-packed banks are bit-identical to the calculator's, and the packing is reused. */
class PackedBanksTests {

    private static final int D = 24;

    private static float[] rows(Random r, int n, Similarity sim) {
        float[] v = new float[n * D];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        sim.prepareRows(v, n, D);
        return v;
    }

    private static LoadedBank bank(Similarity sim, long version) {
        Random r = new Random(version);
        return new LoadedBank(
                "b",
                version,
                "build-" + version,
                "g",
                "v",
                D,
                sim,
                NormParams.defaults(),
                rows(r, 70, sim),
                70,
                rows(r, 30, sim),
                30,
                Set.of(),
                Set.of(),
                null,
                null);
    }

    @Test
    void termsAreTheCalculatorsBitForBit() {
        for (Similarity sim : Similarity.values()) {
            LoadedBank b = bank(sim, 3);
            float[] docs = rows(new Random(11), 40, sim);
            NormParams overridden = NormParams.defaults().withBetaQuery(7);
            for (NormParams p : new NormParams[] {b.params(), overridden}) {
                for (int i = 0; i < 40; i++) {
                    float[] g = java.util.Arrays.copyOfRange(docs, i * D, (i + 1) * D);
                    DocTerms expected =
                            DocTermsCalculator.computeSingle(sim, g, b.queryBank(), 70, b.galleryBank(), 30, D, p);
                    DocTerms got = PackedBanks.terms(b, g, p);
                    assertArrayEquals(expected.lq(), got.lq(), sim + " lq");
                    assertArrayEquals(expected.lg(), got.lg(), sim + " lg");
                    assertArrayEquals(expected.cslsR(), got.cslsR(), sim + " csls");
                    assertArrayEquals(expected.nnnBias(), got.nnnBias(), sim + " nnn");
                }
            }
        }
    }

    @Test
    void oneVersionIsPackedOnceAndANewOneReplacesIt() {
        LoadedBank v1 = bank(Similarity.L2, 1), v2 = bank(Similarity.L2, 2);
        assertSame(PackedBanks.matrices(v1), PackedBanks.matrices(v1));
        assertNotSame(
                PackedBanks.matrices(v1).queryBank(), PackedBanks.matrices(v2).queryBank());
        assertSame(PackedBanks.matrices(v2), PackedBanks.matrices(v2));
    }
}

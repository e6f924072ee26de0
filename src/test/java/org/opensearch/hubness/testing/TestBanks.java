/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.testing;

import java.util.Set;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/** Small loaded versions for the tests of loading and serving: what the bank holds matters less than its identity. */
public final class TestBanks {

    private TestBanks() {}

    /** A cosine version of {@code rows} query-bank vectors (values from the version, so versions differ), no gallery bank. */
    public static LoadedBank queryBankOnly(String name, long version, String buildId, int rows, int d) {
        float[] q = new float[rows * d];
        for (int i = 0; i < q.length; i++) q[i] = (float) Math.sin(i + version);
        return new LoadedBank(
                name,
                version,
                buildId,
                "g",
                "v",
                d,
                Similarity.COSINE,
                NormParams.defaults(),
                q,
                rows,
                null,
                0,
                Set.of("d1"),
                Set.of(),
                null,
                null);
    }
}

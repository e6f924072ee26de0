/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.bank.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.bank.BankHubs;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/** The sliced digest hashes exactly the bytes one whole-bank buffer did, so stored versions stay valid. */
class VersionDigestTests {

    /** The former computation: one little-endian buffer of every float. */
    private static String oneBuffer(float[] v, int from, int count) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v, from, count);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
    }

    @Test
    void slicesGiveTheDigestOfOneBuffer() throws Exception {
        Random r = new Random(19);
        int s = VersionDigest.SLICE_FLOATS;
        for (int count : new int[] {0, 1, 7, s - 1, s, s + 1, 3 * s + 5, 200_000}) {
            float[] v = new float[count + 10];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            v[3] = Float.NaN;
            v[4] = -0.0f;
            assertEquals(
                    oneBuffer(v, 3, count),
                    new VersionDigest().floats(v, 3, count).hex(),
                    "count " + count);
        }
    }

    @Test
    void twoRangesHashAsTheirConcatenation() throws Exception {
        float[] v = new float[50_000];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5f;
        assertEquals(
                oneBuffer(v, 0, v.length),
                new VersionDigest()
                        .floats(v, 0, 20_001)
                        .floats(v, 20_001, 29_999)
                        .hex());
        assertNotEquals(
                oneBuffer(v, 0, v.length),
                new VersionDigest().floats(v, 1, 49_999).hex());
    }

    private static LoadedBank version(BankHubs queryHubs) {
        return new LoadedBank(
                "b",
                1,
                "build-1",
                "g",
                "v",
                2,
                Similarity.COSINE,
                NormParams.defaults(),
                new float[] {1, 0, 0, 1},
                2,
                null,
                0,
                Set.of("a"),
                Set.of(),
                queryHubs,
                null);
    }

    /**
     * A version without hubs hashes exactly as before hubs existed (its manifest text ends after the activation sets),
     * and the hubs of one that has them are covered: a changed count, id or skewness, or hubs removed, change the
     * digest; the manifest's form of them reads back to the same digest.
     */
    @Test
    void theHubsAreCoveredAndAVersionWithoutThemHashesAsBefore() {
        LoadedBank without = version(null);
        VersionDigest before = new VersionDigest().floats(without.queryBank(), 0, 4);
        StringBuilder s = new StringBuilder("g\nv\ncosine\n2\n2\n0\n");
        NormParams p = NormParams.defaults();
        s.append(List.of(p.betaQuery(), p.betaGallery(), p.activationK(), p.cslsK(), p.nnnK(), p.nnnAlpha()))
                .append("\n1:a\n\n");
        assertEquals(before.bytes(s.toString().getBytes(StandardCharsets.UTF_8)).hex(), VersionDigest.of(without));

        BankHubs hubs = new BankHubs(10, 6, 0.5, List.of(new BankHubs.Hub("a", 2), new BankHubs.Hub("b", 1)));
        String with = VersionDigest.of(version(hubs));
        assertNotEquals(VersionDigest.of(without), with);
        for (BankHubs changed : List.of(
                new BankHubs(10, 6, 0.5, List.of(new BankHubs.Hub("a", 3), new BankHubs.Hub("b", 1))),
                new BankHubs(10, 6, 0.5, List.of(new BankHubs.Hub("a", 2), new BankHubs.Hub("c", 1))),
                new BankHubs(10, 6, 0.25, List.of(new BankHubs.Hub("a", 2), new BankHubs.Hub("b", 1))),
                new BankHubs(9, 6, 0.5, List.of(new BankHubs.Hub("a", 2), new BankHubs.Hub("b", 1))))) {
            assertNotEquals(with, VersionDigest.of(version(changed)), changed.hubs() + " k " + changed.k());
        }
        Map<String, Object> stored = HubsManifest.toMap(hubs, null);
        BankHubs read = HubsManifest.fromMap(stored, HubsManifest.QUERY_BANK);
        assertEquals(with, VersionDigest.of(version(read)));
        assertNull(HubsManifest.fromMap(stored, HubsManifest.GALLERY_BANK));
    }
}

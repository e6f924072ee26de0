/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.bank.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

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
}

package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A rescore scores a stored vector without its prepared copy ({@link Similarity#scoreRaw}) and prepares a miss's vector
 * into a reused buffer ({@link Similarity#prepareInto}): both bit-identical to preparing a copy, for every similarity,
 * dimensions with and without a tail after the groups of four, and vectors far from unit length.
 */
class RawScoreTests {

    @Test
    void scoreOfTheRawVectorIsTheScoreOfItsPreparedCopyBitForBit() {
        Random r = new Random(17);
        for (Similarity sim : Similarity.values()) {
            for (int d : new int[] {1, 3, 4, 7, 64, 385, 512}) {
                for (int trial = 0; trial < 200; trial++) {
                    float scale = (float) Math.pow(10, r.nextInt(7) - 3);
                    float[] raw = new float[d], q = new float[d];
                    for (int i = 0; i < d; i++) {
                        raw[i] = (float) r.nextGaussian() * scale;
                        q[i] = (float) r.nextGaussian();
                    }
                    float[] preparedQuery = sim.prepare(q);
                    float[] copy = sim.prepare(raw);
                    double expected = sim.score(preparedQuery, copy);
                    assertEquals(
                            Double.doubleToRawLongBits(expected),
                            Double.doubleToRawLongBits(sim.scoreRaw(preparedQuery, raw)),
                            sim + " d=" + d);
                    float[] buffer = new float[d];
                    float[] into = sim.prepareInto(raw, buffer);
                    assertArrayEquals(copy, into, sim + " d=" + d);
                    if (sim != Similarity.COSINE) assertSame(raw, into, "dot and l2 use the vector as it is");
                }
            }
        }
    }

    @Test
    void aZeroCosineVectorFailsAsPrepareFails() {
        float[] zero = new float[4], q = Similarity.COSINE.prepare(new float[] {1, 2, 3, 4});
        String expected = assertThrows(IllegalArgumentException.class, () -> Similarity.COSINE.prepare(zero))
                .getMessage();
        assertEquals(
                expected,
                assertThrows(IllegalArgumentException.class, () -> Similarity.COSINE.scoreRaw(q, zero))
                        .getMessage());
        assertEquals(
                expected,
                assertThrows(IllegalArgumentException.class, () -> Similarity.COSINE.prepareInto(zero, new float[4]))
                        .getMessage());
    }
}

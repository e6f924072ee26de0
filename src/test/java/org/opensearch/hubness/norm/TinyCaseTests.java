package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * The hand-checkable 2-D case of notes/algorithms.md §6.4 (unit vectors at the given angles,
 * βq=10, βg=2, K=k=2, α=0.75, activation k=1); expected values are copied from that note.
 */
class TinyCaseTests {

    private static final double TOL = 2e-6; // float32 unit vectors: s is off by ~1e-8, times β=10

    private static final NormParams P = new NormParams(10, 2, 1, 2, 2, 0.75);

    private static float[] at(double... degrees) {
        float[] v = new float[2 * degrees.length];
        for (int i = 0; i < degrees.length; i++) {
            v[2 * i] = (float) Math.cos(Math.toRadians(degrees[i]));
            v[2 * i + 1] = (float) Math.sin(Math.toRadians(degrees[i]));
        }
        return v;
    }

    private static final float[] GALLERY = at(0, 60, 120);
    private static final float[] QUERIES = at(10, 100);
    private static final float[] QUERY_BANK = at(5, 30, 45);
    private static final float[] GALLERY_BANK = at(15, 50);

    private static OfflineScorer scorer() {
        return new OfflineScorer(
                new ScoringInputs(Similarity.DOT, QUERIES, 2, GALLERY, 3, QUERY_BANK, 3, GALLERY_BANK, 2, 2));
    }

    @Test
    void bankTermsMatchTheNote() {
        for (DotPrecision precision : DotPrecision.values()) {
            DocTerms t = DocTermsCalculator.compute(
                    Similarity.DOT,
                    GALLERY,
                    3,
                    BankMatrix.of(QUERY_BANK, 3, 2),
                    BankMatrix.of(GALLERY_BANK, 2, 2),
                    P,
                    precision);
            assertArrayEquals(new double[] {10.245318538, 9.987134741, 2.661676612}, t.lq(), TOL, "Lq " + precision);
            assertArrayEquals(new double[] {2.353185695, 2.423134979, 0.946934458}, t.lg(), TOL, "Lg " + precision);
            assertArrayEquals(new double[] {0.931110054, 0.915975594, 0.129409515}, t.cslsR(), TOL, "rB " + precision);
            double[] bias = t.nnnBias().clone();
            for (int i = 0; i < bias.length; i++) {
                bias[i] *= P.nnnAlpha();
            }
            assertArrayEquals(new double[] {0.698332541, 0.686981695, 0.097057136}, bias, TOL, "bNNN " + precision);
        }
    }

    @Test
    void activationSetsAndGates() {
        BitSet expected = new BitSet();
        expected.set(0);
        expected.set(1);
        assertEquals(expected, ActivationSets.compute(GALLERY, 3, QUERY_BANK, 3, 2, 1));
        assertEquals(expected, ActivationSets.compute(GALLERY, 3, GALLERY_BANK, 2, 2, 1));
        assertArrayEquals(new int[] {0, 2}, scorer().top1());
    }

    @Test
    void scoreRowsMatchTheNote() {
        OfflineScorer s = scorer();
        assertArrayEquals(
                new double[] {-0.397241241, -3.55925878, -6.081877948, -11.981800324, -2.326690669, 6.735249246},
                s.scores(Method.IS, P),
                TOL,
                "is");
        assertArrayEquals(
                new double[] {-0.397241241, -3.55925878, -6.081877948, -1.736481786, 7.660444072, 9.396925858},
                s.scores(Method.DIS, P),
                TOL,
                "dis");
        assertArrayEquals(
                new double[] {-0.780811477, -4.696818566, -7.712852673, -14.682282376, -3.217736834, 7.66769996},
                s.scores(Method.DUAL_IS, P),
                TOL,
                "dual_is");
        assertArrayEquals(
                new double[] {-0.780811477, -4.696818566, -7.712852673, -2.083778143, 9.192532886, 11.276311029},
                s.scores(Method.DUAL_DIS, P),
                TOL,
                "dual_dis");
        assertArrayEquals(
                new double[] {0.286475189, -0.044194099, -0.43907727, -0.871980719, 0.079062712, 0.84263545},
                s.scores(Method.NNN, P),
                TOL,
                "nnn");
        // our CSLS drops the per-query constant r_G(q) = [0.813797663, 0.852868496]; add it back to compare
        double[] csls = s.scores(Method.CSLS, P);
        double[] rG = {0.813797663, 0.852868496};
        for (int i = 0; i < csls.length; i++) {
            csls[i] -= rG[i / 3];
        }
        assertArrayEquals(
                new double[] {0.224707742, -0.444198064, -1.627247445, -2.131274908, -0.236755276, 0.89710716},
                csls,
                TOL,
                "csls");
        double[] raw = s.scores(Method.NONE, P);
        assertEquals(Math.cos(Math.toRadians(10)), raw[0], 1e-7);
    }
}

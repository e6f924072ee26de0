package org.opensearch.hubness.norm;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormApiTests {

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void methodNamesAndProperties() {
        assertEquals(Method.DUAL_DIS, Method.fromString("dual_dis"));
        for (Method m : Method.values()) {
            assertEquals(m, Method.fromString(m.externalName()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Method.fromString("DualIS"));
        assertEquals("unknown method [DualIS]; valid methods are none, is, dis, dual_is, dual_dis, csls, nnn", e.getMessage());
        assertFalse(Method.NONE.needsQueryBank());
        assertTrue(Method.NNN.needsQueryBank());
        assertTrue(Method.DUAL_IS.needsGalleryBank());
        assertFalse(Method.DIS.needsGalleryBank());
        assertTrue(Method.DIS.isGated());
        assertTrue(Method.DUAL_DIS.isGated());
        assertFalse(Method.DUAL_IS.isGated());
    }

    @Test
    void similarityPreparation() {
        assertEquals(Similarity.COSINE, Similarity.fromString("cosine"));
        assertEquals(Similarity.L2, Similarity.fromString("l2"));
        assertThrows(IllegalArgumentException.class, () -> Similarity.fromString("hamming"));
        assertEquals(-25.0, Similarity.L2.score(new float[] {0, 0}, new float[] {3, 4}), 0);
        float[] v = {3, 4};
        float[] unit = Similarity.COSINE.prepare(v);
        assertNotSame(v, unit);
        assertArrayEquals(new float[] {0.6f, 0.8f}, unit);
        assertArrayEquals(new float[] {3, 4}, v);
        assertSame(v, Similarity.DOT.prepare(v));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Similarity.COSINE.prepare(new float[2]));
        assertTrue(zero.getMessage().contains("zero length"), zero.getMessage());
        float[] rows = {3, 4, 0, 2};
        Similarity.COSINE.prepareRows(rows, 2, 2);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 1}, rows);
    }

    @Test
    void paramsValidation() {
        NormParams d = NormParams.defaults();
        assertEquals(new NormParams(20, 3, 1, 10, 16, 0.75), d);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(0, 3, 1, 10, 16, 0.75))
            .getMessage().startsWith("beta_q"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, Double.NaN, 1, 10, 16, 0.75))
            .getMessage().startsWith("beta_g"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, 3, 0, 10, 16, 0.75))
            .getMessage().startsWith("k "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, 3, 1, 0, 16, 0.75))
            .getMessage().startsWith("csls_k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, 3, 1, 10, 0, 0.75))
            .getMessage().startsWith("nnn_k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, 3, 1, 10, 16, -1))
            .getMessage().startsWith("nnn_alpha"));
    }

    @Test
    void blockedDocTermsAgreeAcrossBlocksAndPrecisions() {
        Random r = new Random(7);
        int n = 600, mq = 37, mg = 21, d = 33; // n crosses two block boundaries
        float[] gallery = random(r, n * d), qb = random(r, mq * d), gb = random(r, mg * d);
        Similarity.COSINE.prepareRows(gallery, n, d);
        Similarity.COSINE.prepareRows(qb, mq, d);
        Similarity.COSINE.prepareRows(gb, mg, d);
        NormParams p = NormParams.defaults();
        DocTerms exact = DocTermsCalculator.compute(gallery, n, qb, mq, gb, mg, d, p, DotPrecision.DOUBLE);
        DocTerms fast = DocTermsCalculator.compute(gallery, n, qb, mq, gb, mg, d, p);
        assertArrayEquals(exact.lq(), fast.lq(), 1e-5);
        assertArrayEquals(exact.lg(), fast.lg(), 1e-5);
        assertArrayEquals(exact.cslsR(), fast.cslsR(), 1e-6);
        assertArrayEquals(exact.nnnBias(), fast.nnnBias(), 1e-6);
        // one document at a time gives the same terms
        float[] doc = new float[d];
        System.arraycopy(gallery, 400 * d, doc, 0, d);
        DocTerms single = DocTermsCalculator.computeSingle(doc, qb, mq, gb, mg, d, p);
        assertEquals(fast.lq()[400], single.lq()[0], 1e-5);
        assertEquals(fast.lg()[400], single.lg()[0], 1e-5);
        // a naive, unblocked reference
        for (int g : new int[] {0, 255, 256, 511, 599}) {
            double sum = 0;
            double[] sims = new double[mq];
            for (int b = 0; b < mq; b++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += (double) gallery[g * d + k] * qb[b * d + k];
                }
                sims[b] = s;
                sum += Math.exp(p.betaQuery() * s);
            }
            assertEquals(Math.log(sum), exact.lq()[g], 1e-10, "Lq of " + g);
            java.util.Arrays.sort(sims);
            double top = 0;
            for (int i = 0; i < p.cslsK(); i++) {
                top += sims[mq - 1 - i];
            }
            assertEquals(top / p.cslsK(), exact.cslsR()[g], 1e-12, "rB of " + g);
        }
        DocTerms onlyQuery = DocTermsCalculator.compute(gallery, n, qb, mq, null, 0, d, p);
        assertNull(onlyQuery.lg());
    }

    @Test
    void activationSetsAreExactWithTiesToTheSmallerIndex() {
        // three identical gallery rows: a bank row pointing at them picks the first k of them
        float[] gallery = {1, 0, 0, 1, 0, 1, 0, 1, 1, 0};
        float[] bank = {0, 1};
        BitSet k1 = ActivationSets.compute(gallery, 5, bank, 1, 2, 1);
        assertEquals(BitSet.valueOf(new long[] {0b00010}), k1);
        BitSet k2 = ActivationSets.compute(gallery, 5, bank, 1, 2, 2, DotPrecision.DOUBLE);
        assertEquals(BitSet.valueOf(new long[] {0b00110}), k2);

        Random r = new Random(3);
        int n = 700, m = 50, d = 16;
        float[] g = random(r, n * d), b = random(r, m * d);
        for (int k : new int[] {1, 3}) {
            BitSet blocked = ActivationSets.compute(g, n, b, m, d, k, DotPrecision.DOUBLE);
            BitSet naive = new BitSet();
            for (int row = 0; row < m; row++) {
                double[] s = new double[n];
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                    for (int c = 0; c < d; c++) {
                        s[i] += (double) b[row * d + c] * g[i * d + c];
                    }
                }
                java.util.Arrays.sort(order, (x, y) -> s[x] != s[y] ? Double.compare(s[y], s[x]) : Integer.compare(x, y));
                for (int i = 0; i < k; i++) {
                    naive.set(order[i]);
                }
            }
            assertEquals(naive, blocked, "k=" + k);
        }
    }

    @Test
    void rankMetricsWithTies() {
        // query 0: correct item 2 tied with item 1 -> item 1 (smaller index) is ahead: rank 3
        // query 1: correct item 0 is the best: rank 1
        double[] scores = {0.9, 0.5, 0.5, 0.1,
                           0.8, 0.2, 0.3, 0.4};
        int[][] truth = {{2}, {0}};
        assertArrayEquals(new int[] {3, 1}, RetrievalMetrics.ranks(scores, 2, 4, truth));
        // several answers: the best-ranked one counts; -1 is padding
        assertArrayEquals(new int[] {2, 1}, RetrievalMetrics.ranks(scores, 2, 4, new int[][] {{-1, 2, 1}, {3, 0}}));
        RetrievalMetrics.Summary s = RetrievalMetrics.evaluate(scores, 2, 4, truth, 1);
        assertEquals(50.0, s.r1());
        assertEquals(100.0, s.r5());
        assertEquals(2.0, s.mdr());
        assertEquals(2.0, s.mnr());
        assertArrayEquals(new int[][] {{0, 1}, {0, 3}}, RetrievalMetrics.topK(scores, 2, 4, 2));
    }

    @Test
    void skewnessIsThePopulationSkewnessOverAllItems() {
        // N_1 counts over 4 items: [3, 1, 0, 0]; mean 1, deviations 2, 0, -1, -1
        int[][] top1 = {{0}, {0}, {0}, {1}};
        double m2 = (4 + 0 + 1 + 1) / 4.0, m3 = (8 + 0 - 1 - 1) / 4.0;
        assertEquals(m3 / Math.pow(m2, 1.5), RetrievalMetrics.kOccurrenceSkewness(top1, 4, 1), 1e-12);
        assertTrue(Double.isNaN(RetrievalMetrics.kOccurrenceSkewness(new int[][] {{0}, {1}}, 2, 1)));
    }
}

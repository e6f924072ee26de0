package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

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
        assertEquals(
                "unknown method [DualIS]; valid methods are none, is, dis, dual_is, dual_dis, csls, nnn",
                e.getMessage());
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
        IllegalArgumentException zero =
                assertThrows(IllegalArgumentException.class, () -> Similarity.COSINE.prepare(new float[2]));
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
                .getMessage()
                .startsWith("[beta_query]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, Double.NaN, 1, 10, 16, 0.75))
                .getMessage()
                .startsWith("[beta_gallery]"));
        // the documented range [1e-6, 10000], both ends included; 1e-300 made every score of a window tie
        for (double tooSmallOrLarge : new double[] {1e-300, 0.99e-6, 10_000.5, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new NormParams(tooSmallOrLarge, 3, 1, 10, 16, 0.75));
        }
        assertEquals(1e-6, new NormParams(1e-6, 10_000, 1, 10, 16, 0.75).betaQuery());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, 3, 0, 10, 16, 0.75))
                .getMessage()
                .startsWith("k "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, 3, 1, 0, 16, 0.75))
                .getMessage()
                .startsWith("csls_k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, 3, 1, 10, 0, 0.75))
                .getMessage()
                .startsWith("nnn_k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NormParams(20, 3, 1, 10, 16, -1))
                .getMessage()
                .startsWith("nnn_alpha"));
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
        DocTerms exact = DocTermsCalculator.compute(
                Similarity.DOT, gallery, n, BankMatrix.of(qb, mq, d), BankMatrix.of(gb, mg, d), p, DotPrecision.DOUBLE);
        DocTerms fast = DocTermsCalculator.compute(gallery, n, qb, mq, gb, mg, d, p);
        assertArrayEquals(exact.lq(), fast.lq(), 1e-5);
        assertArrayEquals(exact.lg(), fast.lg(), 1e-5);
        assertArrayEquals(exact.cslsR(), fast.cslsR(), 1e-6);
        assertArrayEquals(exact.nnnBias(), fast.nnnBias(), 1e-6);
        // one document at a time (the unpacked one-to-many path) gives the same terms, bit for bit
        float[] doc = new float[d];
        System.arraycopy(gallery, 400 * d, doc, 0, d);
        DocTerms single = DocTermsCalculator.computeSingle(doc, qb, mq, gb, mg, d, p);
        assertEquals(fast.lq()[400], single.lq()[0], 0.0);
        assertEquals(fast.lg()[400], single.lg()[0], 0.0);
        assertEquals(fast.cslsR()[400], single.cslsR()[0], 0.0);
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

    /** l2 through the packed kernel path: s = 2 x·y − ‖x‖² − ‖y‖² against a naive −‖x − y‖², in every path that computes it. */
    @Test
    void l2GoesThroughTheBlockedKernelPath() {
        Random r = new Random(11);
        int n = 450, mq = 29, mg = 17, d = 24; // n crosses two block boundaries
        float[] gallery = random(r, n * d), qb = random(r, mq * d), gb = random(r, mg * d);
        for (float[] m : new float[][] {gallery, qb, gb}) for (int i = 0; i < m.length; i++) m[i] *= 0.2f;
        NormParams p = NormParams.defaults();
        DocTerms exact = DocTermsCalculator.compute(
                Similarity.L2, gallery, n, BankMatrix.of(qb, mq, d), BankMatrix.of(gb, mg, d), p, DotPrecision.DOUBLE);
        DocTerms fast = DocTermsCalculator.compute(
                Similarity.L2, gallery, n, BankMatrix.of(qb, mq, d), BankMatrix.of(gb, mg, d), p, DotPrecision.FLOAT);
        assertArrayEquals(exact.lq(), fast.lq(), 1e-4);
        assertArrayEquals(exact.lg(), fast.lg(), 1e-4);
        assertArrayEquals(exact.cslsR(), fast.cslsR(), 1e-5);
        for (int g : new int[] {0, 191, 192, 383, 449}) {
            float[] doc = java.util.Arrays.copyOfRange(gallery, g * d, (g + 1) * d);
            double sum = 0;
            for (int b = 0; b < mq; b++) {
                double s = Similarity.L2.score(doc, java.util.Arrays.copyOfRange(qb, b * d, (b + 1) * d));
                sum += Math.exp(p.betaQuery() * s);
            }
            assertEquals(Math.log(sum), exact.lq()[g], 1e-9, "Lq of " + g);
            // one document alone (unpacked one-to-many) equals its row of the blocked product, bit for bit
            DocTerms single = DocTermsCalculator.computeSingle(Similarity.L2, doc, qb, mq, gb, mg, d, p);
            assertEquals(fast.lq()[g], single.lq()[0], 0.0);
            assertEquals(fast.lg()[g], single.lg()[0], 0.0);
        }
        // the single-pass build core gives the same terms in steps of another size
        double[] passLq = new double[n];
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = i;
        GalleryPass pass = new GalleryPass(
                Similarity.L2, new BankMatrix(qb, mq, d), new BankMatrix(gb, mg, d), p, 0, DotPrecision.FLOAT);
        pass.scan(
                new GalleryBlock(gallery, n, keys),
                0,
                n,
                100,
                (block, row0, terms) -> System.arraycopy(terms.lq(), 0, passLq, row0, terms.size()));
        assertArrayEquals(fast.lq(), passLq, 0.0);
        // activation sets: each bank row's nearest gallery document by distance
        BitSet nearest = new BitSet();
        for (int b = 0; b < mq; b++) {
            float[] bankRow = java.util.Arrays.copyOfRange(qb, b * d, (b + 1) * d);
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < n; g++) {
                double s = Similarity.L2.score(bankRow, java.util.Arrays.copyOfRange(gallery, g * d, (g + 1) * d));
                if (s > bestScore) {
                    best = g;
                    bestScore = s;
                }
            }
            nearest.set(best);
        }
        assertEquals(nearest, ActivationSets.compute(Similarity.L2, gallery, n, qb, mq, d, 1, DotPrecision.DOUBLE));
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
                java.util.Arrays.sort(
                        order, (x, y) -> s[x] != s[y] ? Double.compare(s[y], s[x]) : Integer.compare(x, y));
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
        double[] scores = {
            0.9, 0.5, 0.5, 0.1,
            0.8, 0.2, 0.3, 0.4
        };
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

/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The hubs' N_k the gallery pass records: equal to a brute-force count over the whole gallery (every bank vector's
 * top-hub_k by similarity, ties to the smaller key), with the skewness of {@link KOccurrence#skewness} over every
 * document, zeros included; and the partials of any split of the gallery, merged in any order (also after the wire),
 * give exactly the same counts. The activation sets keep their own depth k, whether it is smaller or larger than hub_k.
 */
class HubCountsTests {

    private static final int D = 16;

    private static float[] rows(Random r, int n) {
        float[] x = new float[n * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        Similarity.COSINE.prepareRows(x, n, D);
        return x;
    }

    private static long key(int doc) {
        return doc * 7919L - 3;
    }

    private static PassPartial scan(GalleryPass pass, float[] gallery, int[] docs) {
        float[] v = new float[docs.length * D];
        long[] keys = new long[docs.length];
        for (int i = 0; i < docs.length; i++) {
            System.arraycopy(gallery, docs[i] * D, v, i * D, D);
            keys[i] = key(docs[i]);
        }
        return pass.scan(new GalleryBlock(v, docs.length, keys), 0, docs.length, 13, null);
    }

    private static PassPartial wire(PassPartial p, NormParams params) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            p.writeTo(out);
        }
        return PassPartial.readFrom(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())), params);
    }

    /** Each bank row's top {@code k} gallery docs in double, ties to the smaller key: the brute-force lists. */
    private static int[][] bruteForceTop(float[] bank, int m, float[] gallery, int n, int k) {
        int[][] top = new int[m][];
        for (int b = 0; b < m; b++) {
            double[] s = new double[n];
            for (int g = 0; g < n; g++) {
                double dot = 0;
                for (int j = 0; j < D; j++) dot += (double) bank[b * D + j] * gallery[g * D + j];
                s[g] = dot;
            }
            top[b] = IntStream.range(0, n)
                    .boxed()
                    .sorted(Comparator.<Integer>comparingDouble(g -> -s[g]).thenComparingLong(HubCountsTests::key))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        return top;
    }

    private static Map<Long, Integer> counts(int[][] top) {
        Map<Long, Integer> c = new HashMap<>();
        for (int[] row : top) for (int g : row) c.merge(key(g), 1, Integer::sum);
        return c;
    }

    private static Set<Long> firstOf(int[][] top, int k) {
        Set<Long> s = new HashSet<>();
        for (int[] row : top) for (int r = 0; r < Math.min(k, row.length); r++) s.add(key(row[r]));
        return s;
    }

    @Test
    void countsAndSkewnessEqualABruteForceOverTheWholeGalleryWhateverTheSplit() throws IOException {
        Random r = new Random(21);
        int n = 240, mq = 90, mg = 35;
        float[] gallery = rows(r, n), query = rows(r, mq), galleryBank = rows(r, mg);
        // hub_k deeper than k, and k deeper than hub_k: each list serves both
        for (int[] kAndHubK : new int[][] {{2, 7}, {12, 5}, {1, 1}}) {
            NormParams params = new NormParams(20, 3, kAndHubK[0], 10, 16, 0.75, kAndHubK[1]);
            GalleryPass pass = new GalleryPass(
                    Similarity.COSINE,
                    new BankMatrix(query, mq, D),
                    new BankMatrix(galleryBank, mg, D),
                    params,
                    0,
                    DotPrecision.DOUBLE);
            int[] all = IntStream.range(0, n).toArray();
            PassResult whole = scan(pass, gallery, all).finish();

            int[][] qTop = bruteForceTop(query, mq, gallery, n, params.hubK());
            int[][] gTop = bruteForceTop(galleryBank, mg, gallery, n, params.hubK());
            String where = "k=" + params.activationK() + " hub_k=" + params.hubK();
            assertEquals(counts(qTop), whole.queryHubs().counts(), where);
            assertEquals(counts(gTop), whole.galleryHubs().counts(), where);
            assertEquals(params.hubK(), whole.queryHubs().k());
            assertEquals(n, whole.queryHubs().documents());
            assertEquals(
                    KOccurrence.skewness(qTop, n, params.hubK()),
                    whole.queryHubs().skewness(),
                    1e-12);
            assertEquals(
                    KOccurrence.skewness(gTop, n, params.hubK()),
                    whole.galleryHubs().skewness(),
                    1e-12);
            int[][] qActivation = bruteForceTop(query, mq, gallery, n, params.activationK());
            assertEquals(firstOf(qActivation, params.activationK()), whole.queryActivation(), where);

            // a shuffled split into uneven parts, merged in reverse, half of them after a round trip
            List<Integer> order =
                    new java.util.ArrayList<>(IntStream.range(0, n).boxed().toList());
            java.util.Collections.shuffle(order, r);
            int[] cuts = {0, 17, 18, 101, 177, n};
            PassPartial merged = pass.emptyPartial();
            for (int p = cuts.length - 2; p >= 0; p--) {
                int[] docs = order.subList(cuts[p], cuts[p + 1]).stream()
                        .mapToInt(Integer::intValue)
                        .toArray();
                PassPartial part = scan(pass, gallery, docs);
                merged.merge(p % 2 == 0 ? wire(part, params) : part);
            }
            PassResult split = merged.finish();
            assertEquals(whole.queryHubs(), split.queryHubs(), where);
            assertEquals(whole.galleryHubs(), split.galleryHubs(), where);
            assertEquals(whole, split, where);
        }
    }

    @Test
    void aBankThatIsAbsentHasNoHubs() {
        Random r = new Random(3);
        GalleryPass pass = new GalleryPass(
                Similarity.COSINE,
                new BankMatrix(rows(r, 20), 20, D),
                new BankMatrix(new float[0], 0, D),
                NormParams.defaults(),
                0,
                DotPrecision.FLOAT);
        PassResult result =
                scan(pass, rows(r, 50), IntStream.range(0, 50).toArray()).finish();
        assertNotNull(result.queryHubs());
        assertNull(result.galleryHubs());
        assertEquals(NormParams.DEFAULT_HUB_K, result.queryHubs().k());
        assertEquals(
                20 * NormParams.DEFAULT_HUB_K,
                result.queryHubs().counts().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum());
    }

    @Test
    void theSkewnessOfTheNonZeroCountsIsTheSkewnessOverEveryDocument() {
        Random r = new Random(8);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + r.nextInt(400), rowsCount = r.nextInt(60), k = 1 + r.nextInt(Math.min(n, 12));
            int[][] top = new int[rowsCount][];
            for (int b = 0; b < rowsCount; b++) {
                // skewed picks: low indices far more often, so there are hubs and many zeros
                top[b] = r.ints(0, n)
                        .map(g -> Math.min(g, r.nextInt(n)))
                        .distinct()
                        .limit(k)
                        .toArray();
            }
            int[] nonZero = Arrays.stream(top)
                    .flatMapToInt(Arrays::stream)
                    .boxed()
                    .collect(java.util.stream.Collectors.groupingBy(g -> g, java.util.stream.Collectors.counting()))
                    .values()
                    .stream()
                    .mapToInt(Long::intValue)
                    .toArray();
            double dense = KOccurrence.skewness(top, n, k), sparse = KOccurrence.skewnessOfNonZero(nonZero, n);
            if (Double.isNaN(dense)) {
                assertTrue(Double.isNaN(sparse), "trial " + trial);
            } else {
                assertEquals(dense, sparse, 1e-9 * Math.max(1, Math.abs(dense)), "trial " + trial);
            }
        }
    }
}

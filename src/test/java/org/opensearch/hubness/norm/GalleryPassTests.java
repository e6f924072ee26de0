package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.build.PassSteps;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.testing.LoudSkip;
import org.opensearch.hubness.testing.SharedData;

/**
 * The single-pass build core on real embeddings (flickr8k-tinyclip: gallery = the 2 000 images of image.npy and
 * image2.npy, query bank = captions 500–999, gallery bank = images 500–999): whatever the split of the gallery into
 * parts, the order of the parts, the order of rows inside a part, the rows per step and the threads, the activation
 * sets and the hubness report are identical, and the bank terms equal {@link DocTermsCalculator}'s.
 */
class GalleryPassTests {

    private static final NormParams P = new NormParams(20, 3, 2, 10, 16, 0.75);
    private static final int REPORT_ROWS = 200;
    private static ExecutorService pool;
    private static float[] gallery;
    private static int n;
    private static float[] queryBank;
    private static float[] galleryBank;
    private static int d;

    @BeforeAll
    static void load() throws IOException {
        Path dir = SharedData.dataset("flickr8k-tinyclip");
        LoudSkip.unless(
                Files.isRegularFile(dir.resolve("image2.npy")),
                "the split-invariance checks need the 2 000 real " + "flickr8k-tinyclip images, not under " + dir
                        + "; OracleAgreementTests checks the mathematics on a fixture");
        NpyArray image = NpyArray.readMatrix(dir.resolve("image.npy"));
        NpyArray image2 = NpyArray.readMatrix(dir.resolve("image2.npy"));
        NpyArray text = NpyArray.readMatrix(dir.resolve("text.npy"));
        d = image.cols();
        n = image.rows() + image2.rows();
        gallery = new float[n * d];
        System.arraycopy(image.toFloats(), 0, gallery, 0, image.rows() * d);
        System.arraycopy(image2.toFloats(), 0, gallery, image.rows() * d, image2.rows() * d);
        queryBank = java.util.Arrays.copyOfRange(text.toFloats(), 500 * d, 1000 * d);
        galleryBank = java.util.Arrays.copyOfRange(image.toFloats(), 500 * d, 1000 * d);
        Similarity.COSINE.prepareRows(gallery, n, d);
        Similarity.COSINE.prepareRows(queryBank, 500, d);
        Similarity.COSINE.prepareRows(galleryBank, 500, d);
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.shutdownNow(); // null when load() skipped
    }

    private static GalleryPass pass(DotPrecision precision) {
        return new GalleryPass(
                new BankMatrix(queryBank, 500, d), new BankMatrix(galleryBank, 500, d), P, REPORT_ROWS, precision);
    }

    /** Terms gathered by key (= the row's index in the gallery) from the sink. */
    private record Terms(double[] lq, double[] lg, double[] csls, double[] nnn) {
        static Terms of(int n) {
            return new Terms(new double[n], new double[n], new double[n], new double[n]);
        }

        void put(GalleryBlock block, int row0, DocTerms t) {
            for (int i = 0; i < t.size(); i++) {
                int g = Math.toIntExact(block.keys()[row0 + i]);
                lq[g] = t.lq()[i];
                lg[g] = t.lg()[i];
                csls[g] = t.cslsR()[i];
                nnn[g] = t.nnnBias()[i];
            }
        }
    }

    /** The gallery cut into {@code parts} contiguous parts, each with its rows shuffled, the parts in shuffled order. */
    private static List<GalleryBlock> split(int parts, long seed) {
        Random random = new Random(seed);
        List<GalleryBlock> blocks = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = n * p / parts, to = n * (p + 1) / parts;
            List<Integer> rows = new ArrayList<>();
            for (int g = from; g < to; g++) rows.add(g);
            Collections.shuffle(rows, random);
            float[] v = new float[rows.size() * d];
            long[] keys = new long[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(gallery, rows.get(i) * d, v, i * d, d);
                keys[i] = rows.get(i);
            }
            blocks.add(new GalleryBlock(v, rows.size(), keys));
        }
        Collections.shuffle(blocks, random);
        return blocks;
    }

    private static PassResult run(GalleryPass pass, List<GalleryBlock> blocks, int stepRows, Terms terms)
            throws Exception {
        List<PassPartial> partials = new ArrayList<>();
        for (GalleryBlock block : blocks) {
            partials.add(PassSteps.scan(pass, block, pool, stepRows, terms::put).get());
        }
        Collections.reverse(partials); // merged in another order than scanned
        PassPartial total = pass.emptyPartial();
        for (PassPartial part : partials) total.merge(part);
        return total.finish();
    }

    @Test
    void everySplitGivesTheSameActivationSetsReportAndTerms() throws Exception {
        GalleryPass pass = pass(DotPrecision.FLOAT);
        GalleryBlock whole = new GalleryBlock(gallery, n, keys(n));
        Terms wholeTerms = Terms.of(n);
        PassResult reference = pass.scan(whole, 0, n, DocTermsCalculator.BLOCK, wholeTerms::put)
                .finish();
        assertEquals(n, reference.documents());
        assertNotNull(reference.report());

        int[][] shapes = {{1, 64}, {3, 37}, {5, 192}, {5, 1}, {3, 500}}; // parts, rows per step
        long seed = 11;
        for (int[] shape : shapes) {
            Terms terms = Terms.of(n);
            PassResult split = run(pass, split(shape[0], seed++), shape[1], terms);
            String where = shape[0] + " parts, " + shape[1] + " rows per step";
            assertEquals(reference.queryActivation(), split.queryActivation(), where);
            assertEquals(reference.galleryActivation(), split.galleryActivation(), where);
            assertEquals(reference.report(), split.report(), where);
            assertEquals(reference, split, where);
            assertTermsEqual(wholeTerms, terms, 0, where);
        }

        // the terms are DocTermsCalculator's, the activation sets ActivationSets'
        DocTerms offline = DocTermsCalculator.compute(gallery, n, queryBank, 500, galleryBank, 500, d, P);
        assertTermsEqual(
                new Terms(offline.lq(), offline.lg(), offline.cslsR(), offline.nnnBias()),
                wholeTerms,
                1e-9,
                "vs DocTermsCalculator");
        assertEquals(
                keysOf(ActivationSets.compute(gallery, n, queryBank, 500, d, P.activationK())),
                reference.queryActivation());
        assertEquals(
                keysOf(ActivationSets.compute(gallery, n, galleryBank, 500, d, P.activationK())),
                reference.galleryActivation());
        assertTrue(
                reference.queryActivation().size() > 500,
                "k=2 over 500 bank vectors: " + reference.queryActivation().size());
    }

    /** In double precision the pass equals the offline scorer: terms, activation sets, and every method's N_10 skewness. */
    @Test
    void doublePrecisionPassMatchesTheOfflineScorer() throws Exception {
        Terms terms = Terms.of(n);
        PassResult result = run(pass(DotPrecision.DOUBLE), split(3, 5), 100, terms);
        DocTerms offline = DocTermsCalculator.compute(
                Similarity.DOT,
                gallery,
                n,
                BankMatrix.of(queryBank, 500, d),
                BankMatrix.of(galleryBank, 500, d),
                P,
                DotPrecision.DOUBLE);
        assertTermsEqual(
                new Terms(offline.lq(), offline.lg(), offline.cslsR(), offline.nnnBias()), terms, 1e-9, "double");

        float[] reportQueries = java.util.Arrays.copyOf(queryBank, REPORT_ROWS * d);
        OfflineScorer scorer = new OfflineScorer(new ScoringInputs(
                Similarity.DOT, reportQueries, REPORT_ROWS, gallery, n, queryBank, 500, galleryBank, 500, d));
        assertEquals(keysOf(scorer.queryActivationSet(P.activationK())), result.queryActivation());
        assertEquals(keysOf(scorer.galleryActivationSet(P.activationK())), result.galleryActivation());
        for (Method m : Method.values()) {
            double expected = RetrievalMetrics.kOccurrenceSkewness(scorer.scores(m, P), REPORT_ROWS, n, HubnessSums.K);
            assertEquals(expected, result.report().methods().get(m).nkSkewness(), 1e-12, m.externalName());
        }
        assertTrue(
                result.report().methods().get(Method.NONE).nkSkewness()
                        > result.report().methods().get(Method.DUAL_IS).nkSkewness(),
                "dual_is reduces hubness on this data");
    }

    /** Equal similarities go to the smaller key, wherever the documents are and in whatever order they come. */
    @Test
    void tiesGoToTheSmallerKeyWhateverTheSplit() throws Exception {
        int dim = 4;
        float[] bank = {1, 0, 0, 0};
        long[] keys = {50, 10, 30, 20, 60, 40};
        float[] rows = new float[keys.length * dim];
        for (int i = 0; i < keys.length; i++) rows[i * dim] = 0.5f; // identical rows: every similarity ties
        GalleryPass pass =
                new GalleryPass(new BankMatrix(bank, 1, dim), BankMatrix.of(null, 0, dim), P, 1, DotPrecision.FLOAT);
        for (int cut : new int[] {0, 1, 3, 5}) {
            PassPartial first = pass.scan(
                    new GalleryBlock(java.util.Arrays.copyOf(rows, cut * dim), cut, java.util.Arrays.copyOf(keys, cut)),
                    0,
                    cut,
                    2,
                    null);
            PassPartial second = pass.scan(
                    new GalleryBlock(
                            java.util.Arrays.copyOfRange(rows, cut * dim, rows.length),
                            keys.length - cut,
                            java.util.Arrays.copyOfRange(keys, cut, keys.length)),
                    0,
                    keys.length - cut,
                    4,
                    null);
            PassResult r = second.merge(first).finish();
            assertEquals(Set.of(10L, 20L), r.queryActivation(), "cut at " + cut);
            assertEquals(Set.of(), r.galleryActivation());
            assertEquals(6, r.documents());
        }
        assertThrows(IllegalArgumentException.class, () -> pass.scan(new GalleryBlock(rows, 6, keys), 0, 6, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new GalleryBlock(rows, 6, new long[2]));
    }

    private static long[] keys(int count) {
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) keys[i] = i;
        return keys;
    }

    private static Set<Long> keysOf(BitSet bits) {
        Set<Long> out = new HashSet<>();
        bits.stream().forEach(i -> out.add((long) i));
        return out;
    }

    private static void assertTermsEqual(Terms expected, Terms actual, double tolerance, String where) {
        for (int g = 0; g < n; g++) {
            assertEquals(expected.lq()[g], actual.lq()[g], tolerance, where + ": Lq of " + g);
            assertEquals(expected.lg()[g], actual.lg()[g], tolerance, where + ": Lg of " + g);
            assertEquals(expected.csls()[g], actual.csls()[g], tolerance, where + ": r_B of " + g);
            assertEquals(expected.nnn()[g], actual.nnn()[g], tolerance, where + ": NNN mean of " + g);
        }
    }
}

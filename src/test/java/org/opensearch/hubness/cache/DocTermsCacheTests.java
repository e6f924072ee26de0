package org.opensearch.hubness.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.testing.TestBreakers;

/** The per-node bank-terms cache on a real Lucene index: values, budget, and entries dropped when a segment closes. */
class DocTermsCacheTests {

    private static final int D = 8;
    private static final Random RANDOM = new Random(7);

    private static float[] unitRows(int n) {
        float[] v = new float[n * D];
        for (int i = 0; i < v.length; i++) v[i] = (float) RANDOM.nextGaussian();
        Similarity.COSINE.prepareRows(v, n, D);
        return v;
    }

    private static LoadedBank bank(long version, String buildId) {
        return new LoadedBank(
                "b",
                version,
                buildId,
                "g",
                "v",
                D,
                Similarity.COSINE,
                NormParams.defaults(),
                unitRows(20),
                20,
                unitRows(10),
                10,
                Set.of(),
                Set.of(),
                null,
                null);
    }

    private static DirectoryReader index(float[] docs, int n) throws Exception {
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
            for (int i = 0; i < n; i++) {
                Document doc = new Document();
                float[] v = new float[D];
                System.arraycopy(docs, i * D, v, 0, D);
                doc.add(new KnnFloatVectorField("v", v));
                w.addDocument(doc);
            }
        }
        return DirectoryReader.open(dir);
    }

    @Test
    void cachedTermsEqualTheCalculatorsAndGoWhenTheSegmentCloses() throws Exception {
        float[] docs = unitRows(5);
        DocTermsCache cache = new DocTermsCache(() -> 1 << 20);
        LoadedBank bank = bank(1, "first");
        DirectoryReader reader = index(docs, 5);
        LeafReaderContext leaf = reader.leaves().get(0);
        Object key = cache.segmentKey(leaf);
        assertNotNull(key);
        DocTerms expected =
                DocTermsCalculator.compute(docs, 5, bank.queryBank(), 20, bank.galleryBank(), 10, D, bank.params());
        for (int doc = 0; doc < 5; doc++) {
            float[] v = new float[D];
            System.arraycopy(docs, doc * D, v, 0, D);
            DocTermValues t =
                    cache.get(bank, cache.segmentKey(leaf), leaf.reader().maxDoc(), doc, v);
            assertEquals(expected.lq()[doc], t.lq(), 0);
            assertEquals(expected.lg()[doc], t.lg(), 0);
        }
        assertEquals(1, cache.stats().segments());
        assertEquals(5, cache.stats().misses(), "every document computed once: " + cache.stats());
        for (int doc = 0; doc < 5; doc++) {
            float[] v = new float[D];
            System.arraycopy(docs, doc * D, v, 0, D);
            assertEquals(
                    expected.lq()[doc],
                    cache.get(bank, key, leaf.reader().maxDoc(), doc, v).lq(),
                    0);
        }
        assertEquals(5, cache.stats().hits(), "then found: " + cache.stats());
        reader.close();
        assertEquals(0, cache.stats().segments(), "closing the segment drops its entries");
        assertEquals(0, cache.stats().bytes());
    }

    /** Several segments (no merges), so a window's documents span them. */
    private static DirectoryReader indexInSegments(float[] docs, int n, int perSegment) throws Exception {
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
            for (int i = 0; i < n; i++) {
                Document doc = new Document();
                doc.add(new KnnFloatVectorField("v", Arrays.copyOfRange(docs, i * D, (i + 1) * D)));
                w.addDocument(doc);
                if ((i + 1) % perSegment == 0) w.flush();
            }
        }
        return DirectoryReader.open(dir);
    }

    @Test
    void aLookupGivesEverySegmentOneEntryAndCountsEveryDocument() throws Exception {
        int n = 12;
        float[] docs = unitRows(n);
        DocTermsCache cache = new DocTermsCache(() -> 1 << 20);
        LoadedBank bank = bank(1, "first");
        DocTerms expected =
                DocTermsCalculator.compute(docs, n, bank.queryBank(), 20, bank.galleryBank(), 10, D, bank.params());
        try (DirectoryReader reader = indexInSegments(docs, n, 4)) {
            assertEquals(3, reader.leaves().size());
            for (int pass = 1; pass <= 2; pass++) {
                BankTermsLookup lookup = cache.lookup(bank); // one per request
                for (LeafReaderContext leaf : reader.leaves()) {
                    for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                        int row = leaf.docBase + doc;
                        DocTermValues t = lookup.get(leaf, doc, Arrays.copyOfRange(docs, row * D, (row + 1) * D));
                        assertEquals(expected.lq()[row], t.lq(), 0, "row " + row);
                        assertEquals(expected.lg()[row], t.lg(), 0, "row " + row);
                    }
                }
                assertEquals(3, cache.stats().segments());
                assertEquals(
                        n, cache.stats().misses(), "pass " + pass + ": each document computed once: " + cache.stats());
                assertEquals((pass - 1) * n, cache.stats().hits(), "pass " + pass + ": " + cache.stats());
            }
        }
    }

    /** Many requests miss on the same documents at once: each computes outside the locks, all see the same terms. */
    @Test
    void concurrentLookupsOfTheSameDocumentsAgree() throws Exception {
        int n = 16, threads = 6, trials = 20;
        float[] docs = unitRows(n);
        LoadedBank bank = bank(1, "first");
        DocTerms expected =
                DocTermsCalculator.compute(docs, n, bank.queryBank(), 20, bank.galleryBank(), 10, D, bank.params());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (DirectoryReader reader = indexInSegments(docs, n, 8)) {
            for (int trial = 0; trial < trials; trial++) {
                DocTermsCache cache = new DocTermsCache(() -> 1 << 20);
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        BankTermsLookup lookup = cache.lookup(bank);
                        int wrong = 0;
                        for (LeafReaderContext leaf : reader.leaves()) {
                            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                                int row = leaf.docBase + doc;
                                DocTermValues v =
                                        lookup.get(leaf, doc, Arrays.copyOfRange(docs, row * D, (row + 1) * D));
                                if (v.lq() != expected.lq()[row] || v.lg() != expected.lg()[row]) wrong++;
                            }
                        }
                        return wrong;
                    }));
                }
                for (Future<Integer> r : results) assertEquals(0, r.get(60, TimeUnit.SECONDS), "trial " + trial);
                DocTermsCache.Stats stats = cache.stats();
                assertEquals(2, stats.segments(), "one entry per segment whatever the race, trial " + trial);
                assertEquals((long) threads * n, stats.hits() + stats.misses(), "trial " + trial + ": " + stats);
                assertTrue(stats.misses() >= n, "trial " + trial + ": " + stats);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSegmentBeyondTheBudgetIsComputedButNotKept() throws Exception {
        float[] docs = unitRows(3);
        DocTermsCache cache = new DocTermsCache(() -> 16);
        LoadedBank bank = bank(1, "first");
        try (DirectoryReader reader = index(docs, 3)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            float[] v = new float[D];
            System.arraycopy(docs, 0, v, 0, D);
            DocTermValues t =
                    cache.get(bank, cache.segmentKey(leaf), leaf.reader().maxDoc(), 0, v);
            DocTerms expected =
                    DocTermsCalculator.compute(docs, 1, bank.queryBank(), 20, bank.galleryBank(), 10, D, bank.params());
            assertEquals(expected.lq()[0], t.lq(), 0);
            assertEquals(0, cache.stats().segments());
            assertEquals(1, cache.stats().refusals());
        }
    }

    private static CircuitBreaker breaker(long limit) {
        return TestBreakers.hubness(limit);
    }

    /**
     * Budget for two segments of three builds: the least recently used leaves, its bytes go back to the breaker (which
     * always holds exactly the cached bytes), a lowered budget shrinks the cache at once, a breaker that refuses means
     * computed and not kept, and clearing gives everything back.
     */
    @Test
    void theLeastRecentlyUsedEntryLeavesAndTheBreakerHoldsExactlyTheCachedBytes() throws Exception {
        float[] docs = unitRows(4);
        long segment = SegmentTerms.bytesFor(4);
        AtomicLong budget = new AtomicLong(2 * segment);
        DocTermsCache cache = new DocTermsCache(budget::get);
        CircuitBreaker breaker = breaker(1_000_000);
        cache.setBreaker(breaker);
        try (DirectoryReader reader = index(docs, 4)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            Object key = cache.segmentKey(leaf);
            float[] v = Arrays.copyOf(docs, D);
            LoadedBank one = bank(1, "build-1"), two = bank(2, "build-2"), three = bank(3, "build-3");
            cache.get(one, key, 4, 0, v);
            cache.get(two, key, 4, 0, v);
            assertEquals(2 * segment, breaker.getUsed());
            cache.get(one, key, 4, 1, v); // build-1 is now the most recently used: build-2 is the one to go
            cache.get(three, key, 4, 0, v);
            DocTermsCache.Stats stats = cache.stats();
            assertEquals(2, stats.segments());
            assertEquals(1, stats.evictions());
            assertEquals(2 * segment, stats.bytes());
            assertEquals(stats.bytes(), breaker.getUsed(), "the evicted entry's bytes went back to the breaker");
            assertNotNull(cache.existing(one, key), "build-1 stayed");
            assertEquals(null, cache.existing(two, key), "build-2, the least recently used, left");

            budget.set(segment); // the setting is lowered at runtime
            cache.enforceBudget();
            assertEquals(1, cache.stats().segments());
            assertEquals(2, cache.stats().evictions());
            assertEquals(segment, breaker.getUsed());

            budget.set(10 * segment);
            CircuitBreaker full = breaker(segment + segment / 2); // room for the entry it holds, not for another
            DocTermsCache tight = new DocTermsCache(budget::get);
            tight.setBreaker(full);
            tight.get(one, key, 4, 0, v);
            DocTermValues computed = tight.get(two, key, 4, 0, v);
            assertNotNull(computed, "a refused entry's terms are still computed");
            assertEquals(1, tight.stats().segments());
            assertEquals(1, tight.stats().refusals());
            assertEquals(segment, full.getUsed(), "a refusal reserves nothing");

            assertEquals(1, cache.invalidate(null));
            assertEquals(0, breaker.getUsed(), "clearing gives every byte back");
            assertEquals(0, cache.stats().bytes());
        }
    }

    @Test
    void retainingBuildsDropsTheOthers() throws Exception {
        float[] docs = unitRows(2);
        DocTermsCache cache = new DocTermsCache(() -> 1 << 20);
        try (DirectoryReader reader = index(docs, 2)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            float[] v = new float[D];
            System.arraycopy(docs, 0, v, 0, D);
            for (long version = 1; version <= 3; version++)
                cache.get(bank(version, "build-" + version), cache.segmentKey(leaf), 2, 0, v);
            assertEquals(3, cache.stats().segments());
            assertEquals(Set.of("b"), cache.banks());
            assertEquals(1, cache.retainBuilds("b", Set.of("build-2", "build-3")));
            assertEquals(2, cache.stats().segments());
            assertEquals(2, cache.invalidate("b"));
            assertEquals(Set.of(), cache.banks());
        }
    }

    /**
     * A bank deleted and defined anew starts again at version 1, while the build the DELETE overtook may still be
     * writing its terms: the new build must never be served the old one's (the race of BankGuaranteesIT, finding 2).
     */
    @Test
    void aBankDefinedAnewAtTheSameVersionNeverSeesTheOvertakenBuildsTerms() throws Exception {
        float[] docs = unitRows(2);
        DocTermsCache cache = new DocTermsCache(() -> 1 << 20);
        LoadedBank overtaken = bank(1, "overtaken");
        LoadedBank anew = bank(1, "anew");
        try (DirectoryReader reader = index(docs, 2)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            Object key = cache.segmentKey(leaf);
            DocTerms stale = DocTermsCalculator.compute(
                    docs, 2, overtaken.queryBank(), 20, overtaken.galleryBank(), 10, D, overtaken.params());
            assertTrue(cache.putAll(overtaken, key, 2, new int[] {0, 1}, stale));
            float[] v = new float[D];
            System.arraycopy(docs, 0, v, 0, D);
            DocTermValues served = cache.get(anew, key, 2, 0, v);
            DocTerms expected =
                    DocTermsCalculator.compute(docs, 1, anew.queryBank(), 20, anew.galleryBank(), 10, D, anew.params());
            assertNotEquals(stale.lq()[0], expected.lq()[0], "the two builds' banks differ");
            assertEquals(expected.lq()[0], served.lq(), 0);
            assertEquals(expected.lg()[0], served.lg(), 0);
        }
    }
}

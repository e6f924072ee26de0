package org.opensearch.hubness.cache;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static LoadedBank bank(long version) {
        return new LoadedBank("b", version, "g", "v", D, Similarity.COSINE, NormParams.defaults(), unitRows(20), 20, unitRows(10), 10,
            Set.of(), Set.of());
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
        LoadedBank bank = bank(1);
        DirectoryReader reader = index(docs, 5);
        LeafReaderContext leaf = reader.leaves().get(0);
        Object key = cache.segmentKey(leaf);
        assertNotNull(key);
        DocTerms expected = DocTermsCalculator.compute(docs, 5, bank.queryBank(), 20, bank.galleryBank(), 10, D, bank.params());
        for (int doc = 0; doc < 5; doc++) {
            float[] v = new float[D];
            System.arraycopy(docs, doc * D, v, 0, D);
            DocTermValues t = cache.get(bank, cache.segmentKey(leaf), leaf.reader().maxDoc(), doc, v);
            assertEquals(expected.lq()[doc], t.lq(), 0);
            assertEquals(expected.lg()[doc], t.lg(), 0);
        }
        assertEquals(1, cache.stats().segments());
        assertTrue(cache.stats().hits() >= 4, "one entry per segment, filled doc by doc: " + cache.stats());
        reader.close();
        assertEquals(0, cache.stats().segments(), "closing the segment drops its entries");
        assertEquals(0, cache.stats().bytes());
    }

    @Test
    void aSegmentBeyondTheBudgetIsComputedButNotKept() throws Exception {
        float[] docs = unitRows(3);
        DocTermsCache cache = new DocTermsCache(() -> 16);
        LoadedBank bank = bank(1);
        try (DirectoryReader reader = index(docs, 3)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            float[] v = new float[D];
            System.arraycopy(docs, 0, v, 0, D);
            DocTermValues t = cache.get(bank, cache.segmentKey(leaf), leaf.reader().maxDoc(), 0, v);
            DocTerms expected = DocTermsCalculator.compute(docs, 1, bank.queryBank(), 20, bank.galleryBank(), 10, D, bank.params());
            assertEquals(expected.lq()[0], t.lq(), 0);
            assertEquals(0, cache.stats().segments());
            assertEquals(1, cache.stats().refusals());
        }
    }

    @Test
    void retainingVersionsDropsTheOthers() throws Exception {
        float[] docs = unitRows(2);
        DocTermsCache cache = new DocTermsCache(() -> 1 << 20);
        try (DirectoryReader reader = index(docs, 2)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            float[] v = new float[D];
            System.arraycopy(docs, 0, v, 0, D);
            for (long version = 1; version <= 3; version++) cache.get(bank(version), cache.segmentKey(leaf), 2, 0, v);
            assertEquals(3, cache.stats().segments());
            assertEquals(1, cache.retainVersions("b", Set.of(2L, 3L)));
            assertEquals(2, cache.stats().segments());
        }
    }
}

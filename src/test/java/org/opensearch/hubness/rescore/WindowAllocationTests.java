package org.opensearch.hubness.rescore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.testing.ThreadAllocation;

/**
 * A warm window (every document's terms cached) allocates per hit a few small objects (its output hit and the
 * records it is sorted and scored with), not a copy of its vector: on a 512-d cosine field one copy of a stored
 * vector is 2 KB, and the path before this measurement made two per hit (the reader's copy and the normalised one).
 * Measured with the thread's allocation counter over whole rescores on a real Lucene index, the real cache and the
 * real rescorer; the bound, 1 KB per hit including the request's fixed share, is half of one copy.
 */
class WindowAllocationTests {

    private static final int D = 512;
    private static final int DOCS = 300;
    private static final int WINDOW = 100;
    private static final long BOUND_PER_HIT = 1024;

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @Test
    void aWarmWindowAllocatesNoVectorCopies() throws Exception {
        Random r = new Random(3);
        float[] queryBank = gaussian(r, 200 * D), galleryBank = gaussian(r, 200 * D);
        Similarity.COSINE.prepareRows(queryBank, 200, D);
        Similarity.COSINE.prepareRows(galleryBank, 200, D);
        LoadedBank bank = new LoadedBank(
                "warm",
                1,
                "warm-1",
                "g",
                "embedding",
                D,
                Similarity.COSINE,
                NormParams.defaults(),
                queryBank,
                200,
                galleryBank,
                200,
                Set.of(),
                Set.of(),
                null,
                null);
        RescoreSpec spec = new RescoreSpec(
                "embedding",
                Similarity.COSINE.prepare(gaussian(r, D)),
                Method.DUAL_IS,
                NormParams.defaults(),
                false,
                false,
                false,
                null,
                Top1.KNN,
                ScoreMode.REPLACE,
                1,
                1);
        DocTermsCache cache = new DocTermsCache(() -> 16L << 20);
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
                for (int i = 0; i < DOCS; i++) {
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField("embedding", gaussian(r, D), VectorSimilarityFunction.COSINE));
                    w.addDocument(doc);
                }
                w.forceMerge(1);
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                ScoreDoc[] hits = new ScoreDoc[WINDOW];
                for (int i = 0; i < WINDOW; i++) hits[i] = new ScoreDoc(i * 3, 1f - i / 1000f); // spread, any order
                TopDocs firstPass = new TopDocs(new TotalHits(WINDOW, TotalHits.Relation.EQUAL_TO), hits);
                HubnessRescoreContext warmUp = new HubnessRescoreContext(WINDOW, bank, cache, null, spec);
                HubnessRescorer.INSTANCE.rescore(firstPass, searcher, warmUp); // every document's terms now cached
                long misses = cache.stats().misses();
                assertEquals(WINDOW, misses, "the warm-up computed every window document: " + cache.stats());

                long best = ThreadAllocation.bestPerOperation(5, 400, BOUND_PER_HIT * WINDOW, i -> {
                    HubnessRescoreContext ctx = new HubnessRescoreContext(WINDOW, bank, cache, null, spec);
                    HubnessRescorer.INSTANCE.rescore(firstPass, searcher, ctx);
                });
                assertEquals(misses, cache.stats().misses(), "every later document was a hit: " + cache.stats());
                assertTrue(
                        best <= BOUND_PER_HIT * WINDOW,
                        "a warm rescore of " + WINDOW + " hits allocated at best " + best + " bytes (" + best / WINDOW
                                + " per hit; bound " + BOUND_PER_HIT + ")");
            }
        }
    }
}

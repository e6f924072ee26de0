package org.opensearch.hubness.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.ExceptionsHelper;
import org.opensearch.action.support.PlainActionFuture;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.norm.GalleryBlock;
import org.opensearch.hubness.norm.GalleryPass;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.hubness.norm.PassResult;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.index.mapper.Uid;

/**
 * The node-side pass of a build over real Lucene indices (several segments, deleted documents, documents without a
 * vector, {@code _id} stored as OpenSearch stores it): the terms it puts are {@link DocTermsCalculator}'s to 1e-9 (both
 * in double precision), and the partials of two different shard layouts of the same documents merge into the same
 * activation sets and report, bit for bit, with every activation key named by its {@code _id}.
 */
class ShardPassTests {

    private static final NormParams P = new NormParams(20, 3, 2, 10, 16, 0.75);
    private static final int D = 48, N = 900, MQ = 120, MG = 70;
    private static final String FIELD = "vec";
    private static ExecutorService pool;
    private static float[] vectors;
    private static float[] queryBank, galleryBank;

    @BeforeAll
    static void data() {
        Random r = new Random(2024);
        vectors = gaussian(r, N);
        queryBank = gaussian(r, MQ);
        galleryBank = gaussian(r, MG);
        Similarity.COSINE.prepareRows(queryBank, MQ, D);
        Similarity.COSINE.prepareRows(galleryBank, MG, D);
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n * D];
        // a shared offset makes some directions hubs, as in real embeddings
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() + (i % D < 4 ? 1.5 : 0));
        return x;
    }

    private static String id(int row) {
        return "doc-" + row;
    }

    /** Rows {@code rows} of the data (every 10th without a vector, every 17th deleted), committed every {@code perSegment}. */
    private static DirectoryReader index(ByteBuffersDirectory dir, List<Integer> rows, int perSegment)
            throws IOException {
        try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
            int added = 0;
            for (int row : rows) {
                Document doc = new Document();
                doc.add(new StoredField("_id", Uid.encodeId(id(row))));
                doc.add(new StringField("key", id(row), Field.Store.NO));
                if (row % 10 != 3) {
                    doc.add(new KnnFloatVectorField(
                            FIELD,
                            java.util.Arrays.copyOfRange(vectors, row * D, (row + 1) * D),
                            VectorSimilarityFunction.COSINE));
                }
                w.addDocument(doc);
                if (++added % perSegment == 0) w.commit();
            }
            for (int row : rows) if (row % 17 == 5) w.deleteDocuments(new Term("key", id(row)));
        }
        return DirectoryReader.open(dir);
    }

    /** Rows 0 .. N-1 in order: every test document, the whole gallery before any split. */
    private static List<Integer> allRows() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < N; i++) all.add(i);
        return all;
    }

    private static boolean inGallery(int row) {
        return row % 10 != 3 && row % 17 != 5;
    }

    private static GalleryPass pass(DotPrecision precision) {
        return new GalleryPass(
                Similarity.COSINE,
                new BankMatrix(queryBank, MQ, D),
                new BankMatrix(galleryBank, MG, D),
                P,
                40,
                precision);
    }

    private record Shard(PassPartial partial, Map<Long, String> ids, Map<String, double[]> terms) {}

    /** Runs the pass over one index of the given rows; terms per _id as (lq, lg, csls, nnn). */
    private static Shard run(GalleryPass pass, List<Integer> rows, int perSegment, int stepRows, int threads)
            throws IOException {
        return run(pass, rows, perSegment, stepRows, threads, 1 << 16);
    }

    private static Shard run(
            GalleryPass pass, List<Integer> rows, int perSegment, int stepRows, int threads, int firstPruneAt)
            throws IOException {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                DirectoryReader reader = index(dir, rows, perSegment)) {
            assertTrue(reader.leaves().size() > 1, "several segments");
            Map<String, double[]> terms = new HashMap<>();
            DocKeys.SegmentIds[] ids = new DocKeys.SegmentIds[reader.leaves().size()];
            for (int i = 0; i < ids.length; i++)
                ids[i] = new DocKeys.SegmentIds(reader.leaves().get(i).reader());
            PlainActionFuture<ShardPass.Outcome> outcome = new PlainActionFuture<>();
            new ShardPass(pass, Similarity.COSINE, FIELD, D, pool, threads, stepRows, firstPruneAt)
                    .run(
                            reader,
                            (leaf, docs, t) -> {
                                synchronized (terms) {
                                    for (int i = 0; i < docs.length; i++) {
                                        try {
                                            terms.put(
                                                    ids[leaf.ord].id(docs[i]),
                                                    new double[] {t.lq()[i], t.lg()[i], t.cslsR()[i], t.nnnBias()[i]});
                                        } catch (IOException e) {
                                            throw new java.io.UncheckedIOException(e);
                                        }
                                    }
                                }
                            },
                            () -> false,
                            outcome);
            ShardPass.Outcome o = outcome.actionGet();
            return new Shard(o.partial(), o.activationIds(), terms);
        }
    }

    @Test
    void termsEqualTheOfflineCalculatorInDouble() throws IOException {
        List<Integer> all = allRows();
        Shard shard = run(pass(DotPrecision.DOUBLE), all, 110, 16, 2);
        float[] g = vectors.clone();
        Similarity.COSINE.prepareRows(g, N, D);
        DocTerms offline = DocTermsCalculator.compute(
                Similarity.COSINE,
                g,
                N,
                BankMatrix.of(queryBank, MQ, D),
                BankMatrix.of(galleryBank, MG, D),
                P,
                DotPrecision.DOUBLE);
        int expected = 0;
        double worst = 0;
        for (int row = 0; row < N; row++) {
            double[] t = shard.terms().get(id(row));
            if (!inGallery(row)) {
                assertEquals(null, t, "no terms for " + id(row) + " (deleted or without a vector)");
                continue;
            }
            expected++;
            double[] want = {offline.lq()[row], offline.lg()[row], offline.cslsR()[row], offline.nnnBias()[row]};
            for (int k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(t[k] - want[k]));
        }
        assertEquals(expected, shard.terms().size());
        assertEquals(expected, shard.partial().documents());
        assertTrue(worst <= 1e-9, "largest difference to DocTermsCalculator: " + worst);
    }

    @Test
    void twoLayoutsOfTheSameDocumentsGiveTheSameResultBitForBit() throws IOException {
        GalleryPass pass = pass(DotPrecision.FLOAT);
        List<Integer> all = allRows();
        // layout A: one shard, big segments; layout B: three shards of shuffled rows, small segments, other steps
        Shard one = run(pass, all, 300, 64, 2);
        List<Integer> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(7));
        PassPartial merged = pass.emptyPartial();
        Map<Long, String> ids = new HashMap<>();
        for (int s = 0; s < 3; s++) {
            Shard part = run(pass, shuffled.subList(s * N / 3, (s + 1) * N / 3), 45, 7, 1 + s);
            merged.merge(part.partial());
            ids.putAll(part.ids());
        }
        PassResult a = pass.emptyPartial().merge(one.partial()).finish(), b = merged.finish();
        assertEquals(a.documents(), b.documents());
        assertEquals(a.queryActivation(), b.queryActivation());
        assertEquals(a.galleryActivation(), b.galleryActivation());
        assertEquals(a.report(), b.report());
        assertTrue(a.report().methods().size() >= 5);
        // every key of the activation sets is named, by the id it was hashed from
        for (PassResult r : List.of(a, b)) {
            Map<Long, String> names = r == a ? one.ids() : ids;
            for (Long key : r.queryActivation())
                assertEquals(DocKeys.of(names.get(key), DocKeys.GALLERY_SEED), key.longValue());
            for (Long key : r.galleryActivation())
                assertEquals(DocKeys.of(names.get(key), DocKeys.GALLERY_SEED), key.longValue());
        }
        // and the same as one in-memory pass over the live rows with the same keys
        List<Integer> live = all.stream().filter(ShardPassTests::inGallery).toList();
        float[] g = new float[live.size() * D];
        long[] keys = new long[live.size()];
        for (int i = 0; i < live.size(); i++) {
            System.arraycopy(vectors, live.get(i) * D, g, i * D, D);
            keys[i] = DocKeys.of(id(live.get(i)), DocKeys.GALLERY_SEED);
        }
        Similarity.COSINE.prepareRows(g, live.size(), D);
        PassResult direct = pass.scan(new GalleryBlock(g, live.size(), keys), 0, live.size(), 64, null)
                .finish();
        assertEquals(direct.queryActivation(), a.queryActivation());
        assertEquals(direct.report(), a.report());
    }

    /**
     * A cancelled pass reads no chunk after the cancellation is seen, waits for the steps it started, and fails with a
     * TaskCancelledException: here the flag turns true at its third question, so exactly two chunks (2 steps of 16
     * rows each) put terms, out of a whole first segment and more.
     */
    @Test
    void aCancelledPassStopsAtTheNextChunkAndFails() throws IOException {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                DirectoryReader reader = index(dir, allRows(), 110)) {
            AtomicInteger asked = new AtomicInteger(), termsPut = new AtomicInteger();
            PlainActionFuture<ShardPass.Outcome> outcome = new PlainActionFuture<>();
            new ShardPass(pass(DotPrecision.FLOAT), Similarity.COSINE, FIELD, D, pool, 2, 16)
                    .run(
                            reader,
                            (leaf, docs, t) -> termsPut.addAndGet(docs.length),
                            () -> asked.incrementAndGet() > 2,
                            outcome);
            Exception failure = assertThrows(Exception.class, outcome::actionGet);
            assertTrue(
                    ExceptionsHelper.unwrapCause(failure) instanceof TaskCancelledException,
                    "fails as cancelled: " + failure);
            assertEquals(3, asked.get(), "asked before each chunk, and nothing read after the answer");
            assertEquals(2 * 2 * 16, termsPut.get(), "the two chunks started before the cancellation finished");
        }
    }

    /**
     * The copy prunes the ids it keeps between chunks (normally once the map passes 65 536); pruning from the first
     * chunk on (the first chunk fills empty lists, so the map passes 1 at once, then prunes whenever it doubles) must
     * lose no id the final activation lists name, and change nothing else.
     */
    @Test
    void pruningTheKeptIdsBetweenChunksLosesNoActivationId() throws IOException {
        GalleryPass pass = pass(DotPrecision.FLOAT);
        List<Integer> all = allRows();
        Shard kept = run(pass, all, 120, 8, 2);
        Shard pruned = run(pass, all, 120, 8, 2, 1);
        assertTrue(kept.partial().sameAs(pruned.partial()), "the same lists and report");
        assertEquals(kept.ids(), pruned.ids());
        PassResult r = pruned.partial().finish();
        assertTrue(r.queryActivation().size() + r.galleryActivation().size() > 0);
        for (Long key : r.queryActivation()) assertTrue(pruned.ids().containsKey(key), "query activation key named");
        for (Long key : r.galleryActivation())
            assertTrue(pruned.ids().containsKey(key), "gallery activation key named");
    }

    @Test
    void aSampleMergedFromShardsIsTheSampleOfTheWhole() throws IOException {
        List<Integer> all = allRows();
        List<ShardSample.Row> whole;
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                DirectoryReader reader = index(dir, all, 200)) {
            whole = ShardSample.run(reader, FIELD, D, 50, 42);
        }
        List<Integer> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(3));
        List<List<ShardSample.Row>> shards = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                    DirectoryReader reader = index(dir, shuffled.subList(s * N / 4, (s + 1) * N / 4), 60)) {
                shards.add(ShardSample.run(reader, FIELD, D, 50, 42));
            }
        }
        List<ShardSample.Row> merged = ShardSample.merge(shards, 50);
        assertEquals(50, merged.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(whole.get(i).id(), merged.get(i).id());
            assertTrue(
                    java.util.Arrays.equals(whole.get(i).vector(), merged.get(i).vector()));
            int row = Integer.parseInt(whole.get(i).id().substring(4));
            assertTrue(
                    inGallery(row),
                    "only live documents with a vector are sampled: "
                            + whole.get(i).id());
        }
        List<ShardSample.Row> otherSeed;
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                DirectoryReader reader = index(dir, all, 200)) {
            otherSeed = ShardSample.run(reader, FIELD, D, 50, 43);
        }
        assertTrue(
                !otherSeed.get(0).id().equals(whole.get(0).id())
                        || !otherSeed.get(1).id().equals(whole.get(1).id()),
                "the seed matters");
    }
}

package org.opensearch.hubness.rescore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.norm.ActivationSets;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.OfflineScorer;
import org.opensearch.hubness.norm.PairedEmbeddings;
import org.opensearch.hubness.norm.ScoringInputs;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.stats.RescoreStats;

/**
 * The rescoring core over real Lucene indices (several segments, KNN vectors and big-endian binary doc values) and
 * real embeddings (flickr8k-tinyclip, or PairedEmbeddings' generated fixture of the same shape without ../shared: gallery = image rows 0–499, query bank = text rows 500–999, gallery bank =
 * image rows 500–999, queries = text rows 0–499), checked against {@link OfflineScorer}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubnessRescorerTests {

    static final int N = 500;
    static final double TOL = 1e-5; // float-lane bank terms in the cache vs the double oracle: measured ~1e-6

    int d;
    float[] text; // raw
    float[] galleryRaw; // image rows 0..499, raw (not unit length)
    float[] galleryPrep;
    float[] queryBank;
    float[] galleryBank;
    LoadedBank bank;
    OfflineScorer oracle;
    int[] sampleQueries;
    float[] queriesPrep;
    final Map<String, Index> indices = new HashMap<>();
    DocTermsCache cache;

    /** A Lucene index of the gallery: lucene doc id ↔ gallery row. */
    static final class Index {
        final ByteBuffersDirectory dir = new ByteBuffersDirectory();
        DirectoryReader reader;
        IndexSearcher searcher;
        final Map<Integer, Integer> rowOfDoc = new HashMap<>();
        final Map<Integer, Integer> docOfRow = new HashMap<>();
        final List<Integer> docsWithoutVector = new ArrayList<>();
    }

    @BeforeAll
    void load() throws IOException {
        PairedEmbeddings data = PairedEmbeddings.load(); // flickr8k-tinyclip, or a generated fixture without ../shared
        d = data.d;
        text = data.text;
        float[] image = data.image;
        galleryRaw = Arrays.copyOfRange(image, 0, N * d);
        galleryPrep = galleryRaw.clone();
        Similarity.COSINE.prepareRows(galleryPrep, N, d);
        queryBank = Arrays.copyOfRange(text, N * d, 2 * N * d);
        Similarity.COSINE.prepareRows(queryBank, N, d);
        galleryBank = Arrays.copyOfRange(image, N * d, 2 * N * d);
        Similarity.COSINE.prepareRows(galleryBank, N, d);
        BitSet aq = ActivationSets.compute(galleryPrep, N, queryBank, N, d, 1);
        BitSet ag = ActivationSets.compute(galleryPrep, N, galleryBank, N, d, 1);
        bank = new LoadedBank(
                "flickr",
                7,
                "flickr-7",
                "gallery",
                "embedding",
                d,
                Similarity.COSINE,
                NormParams.defaults(),
                queryBank,
                N,
                galleryBank,
                N,
                ids(aq),
                ids(ag),
                null,
                null);

        sampleQueries = new int[25];
        for (int i = 0; i < sampleQueries.length; i++) sampleQueries[i] = i * 20 + 3;
        queriesPrep = new float[sampleQueries.length * d];
        for (int i = 0; i < sampleQueries.length; i++) {
            System.arraycopy(text, sampleQueries[i] * d, queriesPrep, i * d, d);
        }
        Similarity.COSINE.prepareRows(queriesPrep, sampleQueries.length, d);
        oracle = new OfflineScorer(new ScoringInputs(
                Similarity.DOT, queriesPrep, sampleQueries.length, galleryPrep, N, queryBank, N, galleryBank, N, d));

        indices.put("knn", build(true, 0, N));
        indices.put("binary", build(false, 0, N));
        cache = new DocTermsCache(() -> 256L << 20);
    }

    @AfterAll
    void close() throws IOException {
        for (Index ix : indices.values()) ix.reader.close();
    }

    private static Set<String> ids(BitSet s) {
        Set<String> out = new HashSet<>();
        for (int i = s.nextSetBit(0); i >= 0; i = s.nextSetBit(i + 1)) out.add("img-" + i);
        return out;
    }

    /** Gallery rows [from, to) in shuffled order, several segments, plus two documents without a vector. */
    Index build(boolean knn, int from, int to) throws IOException {
        Index ix = new Index();
        List<Integer> rows = new ArrayList<>();
        for (int r = from; r < to; r++) rows.add(r);
        Collections.shuffle(rows, new Random(42 + from));
        rows.add(rows.size() / 3, -1);
        rows.add(2 * rows.size() / 3, -2);
        IndexWriterConfig cfg = new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE);
        try (IndexWriter w = new IndexWriter(ix.dir, cfg)) {
            int n = 0;
            for (int r : rows) {
                Document doc = new Document();
                doc.add(new StoredField("row", r));
                doc.add(new StringField("id", r < 0 ? "novec" + r : "img-" + r, Field.Store.YES));
                if (r >= 0) {
                    float[] v = Arrays.copyOfRange(galleryRaw, r * d, (r + 1) * d);
                    if (knn) {
                        doc.add(new KnnFloatVectorField("embedding", v, VectorSimilarityFunction.COSINE));
                    } else {
                        ByteBuffer buf = ByteBuffer.allocate(4 * d).order(ByteOrder.BIG_ENDIAN);
                        for (float f : v) buf.putFloat(f);
                        doc.add(new BinaryDocValuesField("embedding", new BytesRef(buf.array())));
                    }
                }
                w.addDocument(doc);
                if (++n % 97 == 0) w.commit();
            }
            w.commit();
        }
        ix.reader = DirectoryReader.open(ix.dir);
        assertTrue(ix.reader.leaves().size() >= 3, "want several segments");
        ix.searcher = new IndexSearcher(ix.reader);
        var stored = ix.searcher.storedFields();
        for (int doc = 0; doc < ix.reader.maxDoc(); doc++) {
            int r = stored.document(doc).getField("row").numericValue().intValue();
            if (r < 0) {
                ix.docsWithoutVector.add(doc);
            } else {
                ix.rowOfDoc.put(doc, r);
                ix.docOfRow.put(r, doc);
            }
        }
        return ix;
    }

    /** First pass: every gallery doc of the index, scored like Lucene cosine (1 + cos) / 2, best first. */
    TopDocs firstPass(Index ix, int qi) {
        double[] raw = oracle.rawSimilarities();
        List<ScoreDoc> sd = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : ix.rowOfDoc.entrySet()) {
            sd.add(new ScoreDoc(e.getKey(), (float) ((1 + raw[qi * N + e.getValue()]) / 2)));
        }
        sd.sort((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
        return new TopDocs(new TotalHits(sd.size(), TotalHits.Relation.EQUAL_TO), sd.toArray(new ScoreDoc[0]));
    }

    RescoreSpec spec(int qi, Method m, NormParams p, boolean overridden, ScoreMode mode, float qw, float rqw) {
        float[] q = Arrays.copyOfRange(text, sampleQueries[qi] * d, (sampleQueries[qi] + 1) * d);
        boolean gq = false, gg = false;
        String top1 = null;
        if (m.isGated()) {
            top1 = "img-" + oracle.top1()[qi];
            HubnessRescorerBuilder.Pinned pin = BankPinning.gates(bank, m, top1);
            gq = pin.gateQuery();
            gg = pin.gateGallery();
        }
        return new RescoreSpec(
                "embedding", Similarity.COSINE.prepare(q), m, p, overridden, gq, gg, top1, Top1.KNN, mode, qw, rqw);
    }

    @Test
    void ordersTheWindowLikeTheOracleForEveryMethodAndStorage() throws IOException {
        NormParams p = NormParams.defaults();
        RescoreStats stats = new RescoreStats();
        int rescores = 0;
        for (String storage : List.of("knn", "binary")) {
            Index ix = indices.get(storage);
            for (Method m : Method.values()) {
                double[] expected = oracle.scores(m, p);
                int changed = 0;
                for (int qi = 0; qi < sampleQueries.length; qi++) {
                    // the activation sets of the bank (float lanes) agree with the oracle's (double) at the top-1
                    int top1 = oracle.top1()[qi];
                    assertEquals(
                            oracle.queryActivationSet(1).get(top1),
                            bank.queryActivation().contains("img-" + top1));
                    int window = qi % 2 == 0 ? N : 100;
                    TopDocs in = firstPass(ix, qi);
                    HubnessRescoreContext ctx = new HubnessRescoreContext(
                            window, bank, cache, stats, spec(qi, m, p, false, ScoreMode.REPLACE, 1, 1));
                    TopDocs out = HubnessRescorer.INSTANCE.rescore(in, ix.searcher, ctx);
                    rescores++;
                    changed += checkRescored(ix, in, out, window, expected, qi, m + "/" + storage + "/q" + qi);
                }
                if (m != Method.NONE) {
                    assertTrue(
                            changed > 0,
                            m + ": the normalisation never changed a window's order; the test would be vacuous");
                } else {
                    assertEquals(0, changed, "none must keep the first-pass order");
                }
            }
        }
        assertEquals(rescores, stats.snapshot().shardRescores());
        assertTrue(cache.stats().hits() > 0, "bank terms should come from the cache");
    }

    /** Asserts the window's order, the score bands and the tail; returns 1 when the window order differs from the input. */
    int checkRescored(Index ix, TopDocs in, TopDocs out, int window, double[] expected, int qi, String what) {
        assertEquals(in.scoreDocs.length, out.scoreDocs.length, what);
        Set<Integer> windowDocs = new HashSet<>();
        for (int i = 0; i < window; i++) windowDocs.add(in.scoreDocs[i].doc);
        double prevLog = Double.POSITIVE_INFINITY;
        float prevScore = Float.POSITIVE_INFINITY;
        int changed = 0;
        for (int i = 0; i < out.scoreDocs.length; i++) {
            ScoreDoc sd = out.scoreDocs[i];
            assertTrue(Float.isFinite(sd.score) && sd.score > 0, what + ": score " + sd.score);
            assertTrue(sd.score <= prevScore, what + ": scores must be non-increasing");
            prevScore = sd.score;
            if (i < window) {
                assertTrue(windowDocs.contains(sd.doc), what + ": a non-window doc inside the window at " + i);
                assertTrue(sd.score >= 1f, what + ": window hit scored " + sd.score);
                double log = expected[qi * N + ix.rowOfDoc.get(sd.doc)];
                if (log > prevLog + TOL) {
                    fail(what + ": position " + i + " has log-score " + log + " above its predecessor's " + prevLog);
                }
                prevLog = log;
                if (sd.doc != in.scoreDocs[i].doc) changed = 1;
            } else {
                assertTrue(sd.score < 1f, what + ": hit below the window scored " + sd.score);
                assertEquals(in.scoreDocs[i].doc, sd.doc, what + ": the tail keeps its first-pass order");
                assertEquals(in.scoreDocs[i].score / (1 + in.scoreDocs[i].score), sd.score, 1e-6, what);
            }
        }
        return changed;
    }

    @Test
    void explainShowsTheNumbersAndMatchesTheScore() throws IOException {
        NormParams p = NormParams.defaults();
        Index ix = indices.get("knn");
        for (Method m : List.of(Method.DUAL_DIS, Method.IS, Method.DUAL_IS, Method.DIS)) {
            double[] expected = oracle.scores(m, p);
            int qi = 4;
            TopDocs in = firstPass(ix, qi);
            HubnessRescoreContext ctx =
                    new HubnessRescoreContext(100, bank, cache, null, spec(qi, m, p, false, ScoreMode.REPLACE, 1, 1));
            TopDocs out = HubnessRescorer.INSTANCE.rescore(in, ix.searcher, ctx);
            Map<Integer, Float> firstPass = new HashMap<>();
            for (ScoreDoc sd : in.scoreDocs) firstPass.put(sd.doc, sd.score);
            for (int i : new int[] {0, 1, 17, 99, 100, 250}) {
                ScoreDoc sd = out.scoreDocs[i];
                Explanation source = Explanation.match(firstPass.get(sd.doc), "knn first pass");
                Explanation e = HubnessRescorer.INSTANCE.explain(sd.doc, ix.searcher, ctx, source);
                assertEquals(sd.score, e.getValue().floatValue(), 0f, "explain's value is the returned score");
                String text = e.toString();
                assertTrue(text.contains("knn first pass"), "the first-pass explanation stays visible: " + text);
                if (i >= 100) {
                    assertTrue(text.contains("not rescored"), text);
                    continue;
                }
                int row = ix.rowOfDoc.get(sd.doc);
                float[] g = Arrays.copyOfRange(galleryPrep, row * d, (row + 1) * d);
                DocTerms t = DocTermsCalculator.computeSingle(g, queryBank, N, galleryBank, N, d, p);
                assertEquals(t.lq()[0], value(e, "Lq(g)"), 1e-6, "Lq");
                assertEquals(t.lg()[0], value(e, "Lg(g)"), 1e-6, "Lg");
                assertEquals(oracle.rawSimilarities()[qi * N + row], value(e, "s(q,g)"), 1e-6, "raw similarity");
                assertEquals(expected[qi * N + row], value(e, "log-score"), TOL, "log-score");
                assertEquals(firstPass.get(sd.doc), value(e, "first-pass score"), 1e-6);
                assertEquals(20.0, value(e, "beta_query"), 0);
                assertEquals(7.0, value(e, "bank [flickr] version"), 0);
                assertEquals(ctx.spec().gateQuery() ? 1 : 0, value(e, "gate_query"), 0);
                assertEquals(ctx.spec().gateGallery() ? 1 : 0, value(e, "gate_gallery"), 0);
                assertTrue(text.contains("from the node's bank-terms cache"), text);
            }
        }
    }

    /** The value of the first node (depth first) whose description starts with the prefix. */
    static double value(Explanation e, String prefix) {
        Explanation f = find(e, prefix);
        assertNotNull(f, "no explanation node starting with [" + prefix + "] in " + e);
        return f.getValue().doubleValue();
    }

    static Explanation find(Explanation e, String prefix) {
        if (e.getDescription().startsWith(prefix)) return e;
        for (Explanation c : e.getDetails()) {
            Explanation f = find(c, prefix);
            if (f != null) return f;
        }
        return null;
    }

    @Test
    void betaOverrideComputesTermsOnTheFly() throws IOException {
        NormParams p = NormParams.defaults().withBetaQuery(10).withBetaGallery(5);
        Index ix = indices.get("binary");
        for (Method m : List.of(Method.IS, Method.DUAL_DIS)) {
            double[] expected = oracle.scores(m, p);
            for (int qi : new int[] {1, 2, 9}) {
                TopDocs in = firstPass(ix, qi);
                HubnessRescoreContext ctx = new HubnessRescoreContext(
                        100, bank, cache, null, spec(qi, m, p, true, ScoreMode.REPLACE, 1, 1));
                TopDocs out = HubnessRescorer.INSTANCE.rescore(in, ix.searcher, ctx);
                checkRescored(ix, in, out, 100, expected, qi, "override " + m + "/q" + qi);
                ScoreDoc top = out.scoreDocs[0];
                Explanation e =
                        HubnessRescorer.INSTANCE.explain(top.doc, ix.searcher, ctx, Explanation.match(0.5f, "fp"));
                assertTrue(e.toString().contains("request overrides beta"), e.toString());
                assertEquals(10.0, value(e, "beta_query"), 0);
                int row = ix.rowOfDoc.get(top.doc);
                float[] g = Arrays.copyOfRange(galleryPrep, row * d, (row + 1) * d);
                assertEquals(
                        DocTermsCalculator.computeSingle(g, queryBank, N, galleryBank, N, d, p)
                                .lq()[0],
                        value(e, "Lq(g)"),
                        1e-9);
            }
        }
    }

    @Test
    void scoreModesCombineWithTheFirstPassScore() throws IOException {
        NormParams p = NormParams.defaults();
        Index ix = indices.get("knn");
        int qi = 6;
        double[] expected = oracle.scores(Method.DUAL_IS, p);
        for (ScoreMode mode : ScoreMode.values()) {
            TopDocs in = firstPass(ix, qi);
            HubnessRescoreContext ctx = new HubnessRescoreContext(
                    50, bank, cache, null, spec(qi, Method.DUAL_IS, p, false, mode, 0.7f, 2.5f));
            TopDocs out = HubnessRescorer.INSTANCE.rescore(in, ix.searcher, ctx);
            Map<Integer, Float> fp = new HashMap<>();
            for (ScoreDoc sd : in.scoreDocs) fp.put(sd.doc, sd.score);
            for (int i = 0; i < 50; i++) {
                ScoreDoc sd = out.scoreDocs[i];
                double log = expected[qi * N + ix.rowOfDoc.get(sd.doc)];
                double f = log >= 0 ? 1 + log : 1 / (1 - log);
                double want = 1 + mode.combine(0.7f * fp.get(sd.doc), 2.5f * f);
                assertEquals(want, sd.score, 1e-5, mode + " at " + i);
                assertTrue(sd.score >= 1f);
            }
            for (int i = 50; i < out.scoreDocs.length; i++) assertTrue(out.scoreDocs[i].score < 1f);
        }
    }

    /** Two "shards" holding halves of the gallery: merging their rescored hits by score gives the oracle's order. */
    @Test
    void shardsStayComparableAfterTheMerge() throws IOException {
        NormParams p = NormParams.defaults();
        Index a = build(true, 0, 250);
        Index b = build(false, 250, N);
        try {
            for (Method m : List.of(Method.DUAL_DIS, Method.IS, Method.CSLS)) {
                double[] expected = oracle.scores(m, p);
                for (int qi : new int[] {0, 5, 11}) {
                    TopDocs outA = HubnessRescorer.INSTANCE.rescore(
                            firstPass(a, qi),
                            a.searcher,
                            new HubnessRescoreContext(
                                    60, bank, cache, null, spec(qi, m, p, false, ScoreMode.REPLACE, 1, 1)));
                    TopDocs outB = HubnessRescorer.INSTANCE.rescore(
                            firstPass(b, qi),
                            b.searcher,
                            new HubnessRescoreContext(
                                    60, bank, cache, null, spec(qi, m, p, false, ScoreMode.REPLACE, 1, 1)));
                    for (ScoreDoc sd : outA.scoreDocs) sd.shardIndex = 0;
                    for (ScoreDoc sd : outB.scoreDocs) sd.shardIndex = 1;
                    TopDocs merged =
                            TopDocs.merge(outA.scoreDocs.length + outB.scoreDocs.length, new TopDocs[] {outA, outB});
                    double prev = Double.POSITIVE_INFINITY;
                    for (int i = 0; i < 120; i++) {
                        ScoreDoc sd = merged.scoreDocs[i];
                        assertTrue(sd.score >= 1f, "both windows come first after the merge");
                        Index ix = sd.shardIndex == 0 ? a : b;
                        double log = expected[qi * N + ix.rowOfDoc.get(sd.doc)];
                        assertTrue(log <= prev + TOL, m + "/q" + qi + " merged position " + i);
                        prev = log;
                    }
                    for (int i = 120; i < merged.scoreDocs.length; i++) assertTrue(merged.scoreDocs[i].score < 1f);
                }
            }
        } finally {
            a.reader.close();
            b.reader.close();
        }
    }

    @Test
    void windowDocsWithoutAVectorFallBelowTheRescoredHits() throws IOException {
        Index ix = indices.get("knn");
        TopDocs base = firstPass(ix, 0);
        List<ScoreDoc> sd = new ArrayList<>(Arrays.asList(base.scoreDocs));
        sd.add(0, new ScoreDoc(ix.docsWithoutVector.get(0), 5f));
        TopDocs in = new TopDocs(base.totalHits, sd.toArray(new ScoreDoc[0]));
        HubnessRescoreContext ctx = new HubnessRescoreContext(
                10, bank, cache, null, spec(0, Method.IS, NormParams.defaults(), false, ScoreMode.REPLACE, 1, 1));
        TopDocs out = HubnessRescorer.INSTANCE.rescore(in, ix.searcher, ctx);
        for (int i = 0; i < 9; i++) assertTrue(out.scoreDocs[i].score >= 1f);
        assertEquals(ix.docsWithoutVector.get(0), out.scoreDocs[9].doc, "5/(1+5) heads the unrescored hits");
        assertEquals(5f / 6f, out.scoreDocs[9].score, 1e-6);
        assertEquals(9, ctx.getRescoredDocs().size());
        assertTrue(!ctx.isRescored(ix.docsWithoutVector.get(0)));
    }

    @Test
    void wrongDimensionIsAClearError() {
        float[] shortQuery = new float[d - 1];
        shortQuery[0] = 1;
        RescoreSpec s = new RescoreSpec(
                "embedding",
                shortQuery,
                Method.IS,
                NormParams.defaults(),
                false,
                false,
                false,
                null,
                Top1.KNN,
                ScoreMode.REPLACE,
                1,
                1);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new HubnessRescoreContext(10, bank, cache, null, s));
        assertTrue(e.getMessage().contains("dimension"), e.getMessage());
        HubnessRescoreContext ctx = fourDimensional(Similarity.COSINE, new float[] {1, 0, 0, 0});
        Index ix = indices.get("binary");
        IllegalArgumentException e2 = assertThrows(
                IllegalArgumentException.class,
                () -> HubnessRescorer.INSTANCE.rescore(firstPass(ix, 0), ix.searcher, ctx));
        assertTrue(
                e2.getMessage().contains("dimension " + d) && e2.getMessage().contains("dimension 4"), e2.getMessage());
    }

    /** A context over a 4-d bank of one vector (method is), for the hand-made indices of the error tests. */
    HubnessRescoreContext fourDimensional(Similarity sim, float[] query) {
        LoadedBank small = new LoadedBank(
                "small",
                1,
                "small-1",
                "g",
                "embedding",
                4,
                sim,
                NormParams.defaults(),
                new float[] {1, 0, 0, 0},
                1,
                null,
                0,
                Set.of(),
                Set.of(),
                null,
                null);
        return new HubnessRescoreContext(
                10,
                small,
                cache,
                null,
                new RescoreSpec(
                        "embedding",
                        query,
                        Method.IS,
                        NormParams.defaults(),
                        false,
                        false,
                        false,
                        null,
                        Top1.KNN,
                        ScoreMode.REPLACE,
                        1,
                        1));
    }

    /** A stored vector with NaN or Infinity is a 400 naming the document and the component, for every similarity. */
    @Test
    void aNonFiniteStoredVectorIsNamedWithItsComponent() throws IOException {
        float[][] stored = {{1, 0, 0, 0}, {0, Float.NaN, 0, 1}, {0, 0, Float.POSITIVE_INFINITY, 0}, {0, 0, 0, 0}};
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
            for (float[] v : stored) {
                ByteBuffer buf = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
                for (float f : v) buf.putFloat(f);
                Document doc = new Document();
                doc.add(new BinaryDocValuesField("embedding", new BytesRef(buf.array())));
                w.addDocument(doc);
            }
        }
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            for (Similarity sim : Similarity.values()) {
                for (int bad = 1; bad <= 2; bad++) {
                    HubnessRescoreContext ctx = fourDimensional(sim, new float[] {0.5f, 0.5f, 0.5f, 0.5f});
                    TopDocs window = new TopDocs(
                            new TotalHits(2, TotalHits.Relation.EQUAL_TO),
                            new ScoreDoc[] {new ScoreDoc(0, 0.9f), new ScoreDoc(bad, 0.8f)});
                    IllegalArgumentException e = assertThrows(
                            IllegalArgumentException.class,
                            () -> HubnessRescorer.INSTANCE.rescore(window, searcher, ctx));
                    assertEquals(
                            "the stored vector of document [" + bad
                                    + "] in [embedding] contains NaN or Infinity at index " + bad
                                    + "; every component must be a finite number",
                            e.getMessage(),
                            sim.externalName());
                }
            }
            HubnessRescoreContext ctx = fourDimensional(Similarity.COSINE, new float[] {0.5f, 0.5f, 0.5f, 0.5f});
            TopDocs zero =
                    new TopDocs(new TotalHits(1, TotalHits.Relation.EQUAL_TO), new ScoreDoc[] {new ScoreDoc(3, 0.9f)});
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> HubnessRescorer.INSTANCE.rescore(zero, searcher, ctx));
            assertTrue(e.getMessage().contains("zero length"), e.getMessage());
        }
    }
}

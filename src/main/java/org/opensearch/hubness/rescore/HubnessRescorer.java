package org.opensearch.hubness.rescore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.opensearch.hubness.bank.BankHubs;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.cache.BankTermsLookup;
import org.opensearch.hubness.cache.DocTermValues;
import org.opensearch.hubness.cache.PackedBanks;
import org.opensearch.hubness.kernel.FiniteCheck;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.LogScore;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.vectors.LeafVectorReader;
import org.opensearch.hubness.vectors.LeafVectorReader.DocVector;
import org.opensearch.index.fieldvisitor.IdOnlyFieldVisitor;
import org.opensearch.search.rescore.RescoreContext;
import org.opensearch.search.rescore.Rescorer;

/**
 * The hubness rescorer (per shard). For the first {@code window_size} hits it reads each document's vector from the
 * knn_vector field (in doc-id order), prepares it with the bank's similarity, computes s(q, g), takes the bank terms
 * Lq(g), Lg(g) (from the node's {@code DocTermsCache}, or computed on the fly when the request overrides a β), and
 * the method's log-score (docs/method.md, "Log-scores"; {@link LogScore}) with the gates pinned on the coordinating node.
 *
 * <p>Score rule (see {@link ScoreMapping}): a rescored hit scores
 * {@code 1 + combine(query_weight · firstPass, rescore_query_weight · f(logScore))} with the fixed map
 * {@code f(x) = x >= 0 ? 1 + x : 1 / (1 - x)}; every other hit (below the window, or a window hit with no vector in
 * the field) scores {@code s / (1 + s)} of its first-pass score s. Rescored hits therefore score ≥ 1 and the rest
 * &lt; 1 on every shard, and since the maps are fixed (no per-shard offsets) the coordinator's merge keeps both the
 * rescored-above-the-rest guarantee and, for {@code score_mode: replace}, the order of the log-scores across shards.
 * Within a shard the window is sorted by the exact (double) combined score, ties by doc id; scores are returned as
 * float, so log-scores closer than float resolution may tie.
 */
public final class HubnessRescorer implements Rescorer {

    public static final HubnessRescorer INSTANCE = new HubnessRescorer();

    private HubnessRescorer() {}

    /** Every number of one rescored document, for scoring and explain. */
    public record Scored(
            int doc,
            double similarity,
            double lq,
            double lg,
            double cslsR,
            double nnnMean,
            boolean termsFromCache,
            double logScore,
            double firstPass,
            double finalScore) {}

    /** A window hit with its exact (double) final score: the window is sorted by it, ties by doc id. */
    private record Rescored(ScoreDoc hit, double exact) {
        static final Comparator<Rescored> ORDER =
                Comparator.comparingDouble(Rescored::exact).reversed().thenComparingInt(r -> r.hit().doc);
    }

    @Override
    public TopDocs rescore(TopDocs topDocs, IndexSearcher searcher, RescoreContext rescoreContext) throws IOException {
        HubnessRescoreContext ctx = (HubnessRescoreContext) rescoreContext;
        if (topDocs == null || topDocs.scoreDocs.length == 0) return topDocs;
        long start = System.nanoTime();
        try {
            ScoreDoc[] hits = topDocs.scoreDocs;
            int w = Math.min(ctx.getWindowSize(), hits.length);
            int[] docs = new int[w];
            for (int i = 0; i < w; i++) docs[i] = hits[i].doc;
            // each document is scored as it is read (in doc-id order), from the reader's own buffer: no vector copies
            double[] exact = new double[w];
            boolean[] hasVector = new boolean[w];
            float[] prepared = new float[ctx.bank().dimension()]; // a cosine miss's unit vector, reused
            LeafVectorReader.visit(
                    searcher.getIndexReader(),
                    ctx.spec().field(),
                    ctx.bank().dimension(),
                    docs,
                    (i, leaf, segmentDoc, vector) -> {
                        if (vector == null) return;
                        hasVector[i] = true;
                        exact[i] = score(ctx, docs[i], leaf, segmentDoc, vector, prepared, hits[i].score)
                                .finalScore();
                    });

            Rescored[] window = new Rescored[w];
            int[] rescored = new int[w];
            int rescoredCount = 0;
            List<ScoreDoc> rest = new ArrayList<>(hits.length - w);
            for (int i = 0; i < w; i++) {
                if (!hasVector[i]) {
                    rest.add(new ScoreDoc(hits[i].doc, ScoreMapping.belowWindow(hits[i].score), hits[i].shardIndex));
                    continue;
                }
                rescored[rescoredCount] = hits[i].doc;
                window[rescoredCount++] =
                        new Rescored(new ScoreDoc(hits[i].doc, (float) exact[i], hits[i].shardIndex), exact[i]);
            }
            for (int i = w; i < hits.length; i++) {
                rest.add(new ScoreDoc(hits[i].doc, ScoreMapping.belowWindow(hits[i].score), hits[i].shardIndex));
            }
            Arrays.sort(window, 0, rescoredCount, Rescored.ORDER);
            // stable: hits that tie after the map keep their first-pass order
            rest.sort(Comparator.comparingDouble((ScoreDoc d) -> d.score).reversed());

            ScoreDoc[] out = new ScoreDoc[hits.length];
            int k = 0;
            for (int i = 0; i < rescoredCount; i++) out[k++] = window[i].hit();
            for (ScoreDoc d : rest) out[k++] = d;
            ctx.setRescored(rescored, rescoredCount);
            if (ctx.stats() != null) ctx.stats().recordRescore(rescoredCount, System.nanoTime() - start);
            return new TopDocs(topDocs.totalHits, out);
        } catch (IOException | RuntimeException e) {
            if (ctx.stats() != null) ctx.stats().recordFailure();
            throw e;
        }
    }

    /**
     * Scores one document from its raw vector (as stored; left unchanged). A cache hit reads no more than the raw
     * vector: s(q, g) is computed from it directly (for cosine, its unit components rounded as {@link
     * org.opensearch.hubness.norm.Similarity#prepare} rounds them, without a copy); only a miss writes the prepared
     * vector, into {@code prepared} (d floats, reused).
     */
    static Scored score(
            HubnessRescoreContext ctx,
            int doc,
            LeafReaderContext leaf,
            int segmentDoc,
            float[] raw,
            float[] prepared,
            double firstPass) {
        RescoreSpec spec = ctx.spec();
        LoadedBank bank = ctx.bank();
        double s;
        try {
            s = bank.similarity().scoreRaw(spec.preparedQuery(), raw);
        } catch (IllegalArgumentException e) { // cosine: a zero or non-finite length
            requireFiniteVector(doc, raw, spec);
            throw e;
        }
        // s is finite exactly when the stored vector is (the query is finite, and products of finite floats summed in
        // double cannot overflow), so the vector is searched for the bad component only when s says there is one
        if (!Double.isFinite(s)) requireFiniteVector(doc, raw, spec);
        double lq = Double.NaN, lg = Double.NaN, csls = Double.NaN, nnn = Double.NaN;
        boolean fromCache = false;
        Method m = spec.method();
        if (m != Method.NONE) {
            BankTermsLookup lookup = spec.betaOverridden() ? null : ctx.bankTerms();
            DocTermValues cached = lookup == null ? null : lookup.stored(leaf, segmentDoc);
            if (cached != null) {
                fromCache = true;
            } else {
                float[] g = bank.similarity().prepareInto(raw, prepared);
                cached = lookup == null ? null : lookup.get(leaf, segmentDoc, g);
                fromCache = cached != null;
                if (cached == null) {
                    DocTerms t = PackedBanks.terms(bank, g, spec.params());
                    cached = new DocTermValues(
                            t.lq() == null ? Double.NaN : t.lq()[0],
                            t.lg() == null ? Double.NaN : t.lg()[0],
                            t.cslsR() == null ? Double.NaN : t.cslsR()[0],
                            t.nnnBias() == null ? Double.NaN : t.nnnBias()[0]);
                }
            }
            lq = cached.lq();
            lg = cached.lg();
            csls = cached.cslsR();
            nnn = cached.nnnMean();
        }
        double log = LogScore.of(m, s, lq, lg, csls, nnn, spec.gateQuery(), spec.gateGallery(), spec.params());
        if (!Double.isFinite(log)) {
            throw new IllegalStateException("hubness log-score of document [" + doc + "] is " + log + " (s=" + s
                    + ", Lq=" + lq + ", Lg=" + lg + "); the bank [" + bank.name() + "] may be incomplete");
        }
        double fin = ScoreMapping.windowScore(
                spec.scoreMode(), firstPass, spec.queryWeight(), log, spec.rescoreQueryWeight());
        return new Scored(doc, s, lq, lg, csls, nnn, fromCache, log, firstPass, fin);
    }

    @Override
    public Explanation explain(
            int topLevelDocId, IndexSearcher searcher, RescoreContext rescoreContext, Explanation sourceExplanation)
            throws IOException {
        HubnessRescoreContext ctx = (HubnessRescoreContext) rescoreContext;
        if (sourceExplanation == null) return null;
        float firstPass = sourceExplanation.getValue().floatValue();
        if (!ctx.isRescored(topLevelDocId)) {
            return Explanation.match(
                    ScoreMapping.belowWindow(firstPass),
                    "not rescored by hubness (below the window or no vector in ["
                            + ctx.spec().field()
                            + "]): first-pass score s mapped to s/(1+s) so it stays below every rescored hit (which score >= 1)",
                    sourceExplanation);
        }
        IndexReader reader = searcher.getIndexReader();
        DocVector dv =
                LeafVectorReader.readOne(reader, ctx.spec().field(), ctx.bank().dimension(), topLevelDocId);
        if (dv.vector() == null) {
            return Explanation.match(
                    ScoreMapping.belowWindow(firstPass),
                    "no vector in [" + ctx.spec().field() + "]",
                    sourceExplanation);
        }
        Scored s =
                score(ctx, dv.doc(), dv.leaf(), dv.segmentDoc(), dv.vector(), new float[dv.vector().length], firstPass);
        return explanation(ctx, s, sourceExplanation, idOf(searcher, topLevelDocId));
    }

    /** The document's {@code _id}, to find it among the bank's recorded hubs. */
    private static String idOf(IndexSearcher searcher, int topLevelDocId) throws IOException {
        IdOnlyFieldVisitor visitor = new IdOnlyFieldVisitor();
        searcher.storedFields().document(topLevelDocId, visitor);
        return visitor.getId();
    }

    /** @param id the document's {@code _id} (null when unknown): explain names its N_k when it is a recorded hub */
    static Explanation explanation(HubnessRescoreContext ctx, Scored s, Explanation source, String id) {
        RescoreSpec spec = ctx.spec();
        LoadedBank bank = ctx.bank();
        NormParams p = spec.params();
        String termsFrom = spec.method() == Method.NONE
                ? "not used"
                : s.termsFromCache()
                        ? "from the node's bank-terms cache"
                        : spec.betaOverridden()
                                ? "computed on the fly from the banks because the request overrides beta (exact, slower)"
                                : "computed on the fly from the banks";
        List<Explanation> parts = new ArrayList<>();
        parts.add(Explanation.match(
                s.similarity(), "s(q,g): raw " + bank.similarity().externalName() + " similarity"));
        if (spec.method() != Method.NONE) {
            parts.add(Explanation.match(
                    s.lq(), "Lq(g) = log sum_b exp(beta_q * s(b,g)) over the query bank (" + termsFrom + ")"));
            parts.add(Explanation.match(
                    nanToZero(s.lg()),
                    "Lg(g) = log sum_h exp(beta_g * s(h,g)) over the gallery bank ("
                            + (Double.isNaN(s.lg()) ? "no gallery bank" : termsFrom) + ")"));
            parts.add(Explanation.match(
                    p.betaQuery(), "beta_query" + (spec.betaOverridden() ? " (request)" : " (bank)")));
            parts.add(Explanation.match(
                    p.betaGallery(), "beta_gallery" + (spec.betaOverridden() ? " (request)" : " (bank)")));
            if (spec.method().isGated()) {
                parts.add(Explanation.match(
                        spec.gateQuery() ? 1 : 0,
                        "gate_query: the query's top-1 [" + spec.top1Id() + "] (" + top1Source(spec.top1())
                                + ") " + (spec.gateQuery() ? "is" : "is not")
                                + " in the query bank's activation set (decided once per "
                                + "query on the coordinating node)"));
                parts.add(Explanation.match(
                        spec.gateGallery() ? 1 : 0,
                        "gate_gallery: the query's top-1 [" + spec.top1Id() + "] (" + top1Source(spec.top1())
                                + ") " + (spec.gateGallery() ? "is" : "is not")
                                + " in the gallery bank's activation set"
                                + (spec.method().needsGalleryBank()
                                        ? ""
                                        : " (not used by " + spec.method().externalName() + ")")));
            } else {
                parts.add(Explanation.match(
                        0, "gate_query: not used by method [" + spec.method().externalName() + "]"));
                parts.add(Explanation.match(
                        0, "gate_gallery: not used by method [" + spec.method().externalName() + "]"));
            }
            if (spec.method() == Method.CSLS) parts.add(Explanation.match(s.cslsR(), "r_B(g) of csls"));
            if (spec.method() == Method.NNN)
                parts.add(Explanation.match(s.nnnMean(), "nnn mean (alpha=" + p.nnnAlpha() + ")"));
        }
        parts.add(Explanation.match(bank.version(), "bank [" + bank.name() + "] version"));
        if (id != null) {
            hubPart(parts, bank, bank.queryHubs(), "query bank", id);
            hubPart(parts, bank, bank.galleryHubs(), "gallery bank", id);
        }
        Explanation log = Explanation.match(
                s.logScore(),
                "log-score of method [" + spec.method().externalName() + "]: " + formula(spec.method()),
                parts);
        double mapped = ScoreMapping.positive(s.logScore());
        Explanation secondary = Explanation.match(
                mapped * spec.rescoreQueryWeight(),
                String.format(
                        Locale.ROOT,
                        "hubness score = f(log-score) * rescore_query_weight %s, f(x) = x >= 0 ? 1 + x : 1/(1 - x)",
                        spec.rescoreQueryWeight()),
                log);
        Explanation primary = Explanation.match(
                s.firstPass(),
                String.format(Locale.ROOT, "first-pass score (query_weight %s)", spec.queryWeight()),
                source);
        return Explanation.match(
                (float) s.finalScore(),
                "hubness rescore: final score = 1 + " + spec.scoreMode().externalName()
                        + "(query_weight * first-pass, hubness score); rescored hits score >= 1, the others < 1",
                primary,
                secondary);
    }

    /** "N_k(g) = c": the document is one of the recorded hubs of {@code hubs} (its N_k does not enter the score). */
    private static void hubPart(List<Explanation> parts, LoadedBank bank, BankHubs hubs, String which, String id) {
        BankHubs.Hub hub = hubs == null ? null : hubs.hub(id);
        if (hub == null) return;
        parts.add(Explanation.match(
                hub.count(),
                String.format(
                        Locale.ROOT,
                        "N_%d(g) in the %s: this document is in the raw top-%d of %d of the %s's vectors, hub %d of the"
                                + " %d recorded for bank [%s] (GET .../_hubs; informational, not part of the score)",
                        hubs.k(),
                        which,
                        hubs.k(),
                        hub.count(),
                        which,
                        hubs.rank(id),
                        hubs.hubs().size(),
                        bank.name())));
    }

    private static void requireFiniteVector(int doc, float[] raw, RescoreSpec spec) {
        FiniteCheck.requireFinite(raw, "the stored vector of document [" + doc + "] in [" + spec.field() + "]");
    }

    /** What explain says t(q) is, for the clause's [top1]. */
    private static String top1Source(Top1 top1) {
        return top1 == Top1.EXACT
                ? "top1: exact, the exact argmax over the gallery"
                : "top1: knn, the first hit of a k=1 knn query on the gallery field";
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static String formula(Method m) {
        return switch (m) {
            case NONE -> "s(q,g)";
            case IS -> "beta_q*s - Lq";
            case DIS -> "beta_q*s - gate_query*Lq";
            case DUAL_IS -> "(beta_q+beta_g)*s - Lq - Lg";
            case DUAL_DIS -> "(beta_q+beta_g)*s - gate_query*Lq - gate_gallery*Lg";
            case CSLS -> "2*s - r_B(g)";
            case NNN -> "s - alpha*nnn_mean";
        };
    }
}

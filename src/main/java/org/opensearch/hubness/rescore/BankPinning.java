package org.opensearch.hubness.rescore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankLookup;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder.Pinned;
import org.opensearch.hubness.security.SecurityRefusal;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.functionscore.ScriptScoreQueryBuilder;
import org.opensearch.script.Script;
import org.opensearch.script.ScriptType;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

/**
 * Decides once per request, on the coordinating node, what every shard must use: the bank's current version, the
 * resolved method and, for the gated methods (dis, dual_dis), the gates γq = [t(q) ∈ Aq] and γg = [t(q) ∈ Ag] from the
 * query's exact global top-1 t(q) in the bank's gallery index.
 */
final class BankPinning {

    static final String CREATE_HINT = "create it with PUT /_plugins/_hubness/banks/{name} (and build it) first";

    private BankPinning() {}

    /** The pinned state of an ungated method, decided from this node's registry without a search; null otherwise. */
    static Pinned pinWithoutSearch(BankLookup banks, RescoreClause request) {
        LoadedBank known = banks.current(request.bank());
        if (known == null) return null;
        Method m = validate(request, known);
        return m.isGated() ? null : new Pinned(known.version(), m, false, false, null, known.galleryIndex());
    }

    /** Takes the bank's current version, validates the request against it and decides the gates. */
    static void resolve(BankLookup banks, Client client, RescoreClause request, ActionListener<Pinned> listener) {
        try {
            LoadedBank b = banks.current(request.bank());
            if (b == null) {
                throw new OpenSearchStatusException(
                        "unknown bank [" + request.bank() + "]; " + CREATE_HINT, RestStatus.BAD_REQUEST);
            }
            Method m = validate(request, b);
            if (!m.isGated()) {
                listener.onResponse(new Pinned(b.version(), m, false, false, null, b.galleryIndex()));
                return;
            }
            client.search(
                    top1Request(b, request.queryVector()),
                    ActionListener.wrap(
                            resp -> {
                                SearchHit[] hits = resp.getHits().getHits();
                                listener.onResponse(gates(b, m, hits.length == 0 ? null : hits[0].getId()));
                            },
                            e -> listener.onFailure(
                                    SecurityRefusal.isRefusal(e) ? e : topOneFailure(b, request, m, e))));
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    /** The pinned state of a gated method whose global top-1 is {@code top1Id} (null: empty gallery, gates off). */
    static Pinned gates(LoadedBank b, Method m, String top1Id) {
        boolean gq = top1Id != null && b.queryActivation().contains(top1Id);
        boolean gg =
                top1Id != null && m.needsGalleryBank() && b.galleryActivation().contains(top1Id);
        return new Pinned(b.version(), m, gq, gg, top1Id, b.galleryIndex());
    }

    /** The exact global top-1 of the bank's gallery: a size-1 script_score search with k-NN's exact scoring script. */
    static SearchRequest top1Request(LoadedBank b, float[] query) {
        Map<String, Object> params = new HashMap<>();
        params.put("field", b.galleryField());
        List<Float> q = new ArrayList<>(query.length);
        for (float f : query) q.add(f);
        params.put("query_value", q);
        params.put(
                "space_type",
                switch (b.similarity()) {
                    case COSINE -> "cosinesimil";
                    case DOT -> "innerproduct";
                    case L2 -> "l2";
                });
        Script script = new Script(ScriptType.INLINE, "knn", "knn_score", params);
        SearchSourceBuilder source = new SearchSourceBuilder()
                .query(new ScriptScoreQueryBuilder(QueryBuilders.matchAllQuery(), script))
                .size(1)
                .fetchSource(false)
                .trackTotalHits(false);
        return new SearchRequest(b.galleryIndex()).source(source);
    }

    /** Checks the request against a bank version; returns the resolved method. */
    static Method validate(RescoreClause request, LoadedBank b) {
        float[] queryVector = request.queryVector();
        if (queryVector.length != b.dimension()) {
            throw new IllegalArgumentException("[query_vector] has dimension " + queryVector.length + " but bank ["
                    + request.bank() + "] has dimension " + b.dimension()
                    + "; send the query's embedding from the model the bank was built for");
        }
        Method m = request.method() != null ? request.method() : b.defaultMethod();
        String reason = b.unsupportedReason(m);
        if (reason != null) throw new IllegalArgumentException(reason);
        effectiveParams(request, b); // NormParams validates the overrides
        if (b.similarity() == Similarity.COSINE) {
            double sq = 0;
            for (float f : queryVector) sq += (double) f * f;
            if (sq == 0)
                throw new IllegalArgumentException(
                        "[query_vector] is all zeros; cosine similarity needs a non-zero vector");
        }
        return m;
    }

    /** The bank's parameters with the request's β overrides. */
    static NormParams effectiveParams(RescoreClause request, LoadedBank b) {
        NormParams p = b.params();
        if (request.betaQuery() != null) p = p.withBetaQuery(request.betaQuery());
        if (request.betaGallery() != null) p = p.withBetaGallery(request.betaGallery());
        return p;
    }

    /** The top-1 search failed for a reason other than a security refusal (which passes through as the user's 403). */
    private static OpenSearchStatusException topOneFailure(LoadedBank b, RescoreClause request, Method m, Exception e) {
        return new OpenSearchStatusException(
                "could not find the query's top-1 in the gallery index [" + b.galleryIndex()
                        + "] of bank [" + request.bank() + "] for method [" + m.externalName() + "]: " + e.getMessage()
                        + "; use a non-gated method (is, dual_is) if the gallery cannot be searched",
                RestStatus.BAD_REQUEST,
                e);
    }
}

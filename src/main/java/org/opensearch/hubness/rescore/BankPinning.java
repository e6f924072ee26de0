package org.opensearch.hubness.rescore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.BankLookup;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder.Pinned;
import org.opensearch.hubness.security.SecurityRefusal;
import org.opensearch.index.query.QueryBuilder;
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
 * query's top-1 t(q) in the bank's gallery index: by default the engine's (a k = 1 knn query, the cost of a knn
 * search), with {@code top1: exact} the exact argmax (a scan of the whole gallery). Either search runs as the user
 * who searches, so the security plugin applies to it.
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
    static void resolve(
            HubnessServices services, Client client, RescoreClause request, ActionListener<Pinned> listener) {
        try {
            LoadedBank b = services.banks().current(request.bank());
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
                    top1Request(b, request.queryVector(), top1For(services, b, request.top1())),
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

    /**
     * How t(q) is found for this bank: as asked, except that an index with {@code index.knn: false} has no knn search
     * (k-NN refuses the query); its engine's only search is the exact script, so its top-1 is the exact one.
     */
    static Top1 top1For(HubnessServices services, LoadedBank b, Top1 asked) {
        return asked == Top1.KNN && !services.knnSearchable(b.galleryIndex()) ? Top1.EXACT : asked;
    }

    /** The search that finds t(q) in the bank's gallery index, the way {@code top1} asks. */
    static SearchRequest top1Request(LoadedBank b, float[] query, Top1 top1) {
        SearchSourceBuilder source = new SearchSourceBuilder()
                .query(top1 == Top1.EXACT ? exactTop1Query(b, query) : engineTop1Query(b, query))
                .size(1)
                .fetchSource(false)
                .trackTotalHits(false);
        return new SearchRequest(b.galleryIndex()).source(source);
    }

    /**
     * The engine's top-1: {@code {"knn": {field: {"vector": q, "k": 1}}}}, wrapped so that k-NN (which this plugin does
     * not compile against) parses it on the coordinator. Shards answer with their top-1 and the coordinator keeps the
     * best score (ties: lower shard index, then lower doc id), as for any knn query.
     */
    static QueryBuilder engineTop1Query(LoadedBank b, float[] query) {
        try (XContentBuilder x = JsonXContent.contentBuilder()) {
            x.startObject()
                    .startObject("knn")
                    .startObject(b.galleryField())
                    .array("vector", query)
                    .field("k", 1)
                    .endObject()
                    .endObject()
                    .endObject();
            return QueryBuilders.wrapperQuery(BytesReference.bytes(x));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exact top-1: a script_score over match_all with k-NN's exact scoring script, O(N·d) per request. */
    static QueryBuilder exactTop1Query(LoadedBank b, float[] query) {
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
        return new ScriptScoreQueryBuilder(QueryBuilders.matchAllQuery(), script);
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
                "could not find the query's top-1 (top1: " + request.top1().externalName() + ") in the gallery index ["
                        + b.galleryIndex() + "] of bank [" + request.bank() + "] for method [" + m.externalName()
                        + "]: "
                        + e.getMessage()
                        + "; use \"top1\": \"exact\" if the field cannot be searched with knn, or a non-gated method"
                        + " (is, dual_is) if the gallery cannot be searched",
                RestStatus.BAD_REQUEST,
                e);
    }
}

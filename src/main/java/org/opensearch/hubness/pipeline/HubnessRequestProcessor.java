package org.opensearch.hubness.pipeline;

import java.util.List;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.rescore.HubnessClauses;
import org.opensearch.hubness.rescore.HubnessServices;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.pipeline.AbstractProcessor;
import org.opensearch.search.pipeline.SearchRequestProcessor;
import org.opensearch.search.sort.ScoreSortBuilder;
import org.opensearch.search.sort.SortBuilder;

/**
 * The {@code hubness} search request processor: adds the {@code hubness} rescore clause to a request whose query is a
 * {@code knn} query (or a bool with a single scoring knn clause), with that query's vector and field, and makes the
 * search fail as a whole rather than answer with failed shards. A scroll passes unchanged, as OpenSearch refuses a
 * rescore in a scroll context when the client writes one. Every request
 * gets the response header {@value #HEADER}: {@code added}, {@code unchanged: <reason>} when it passes as it came, or
 * {@code failed} (the search then fails, or with ignore_failure runs as it came).
 */
public final class HubnessRequestProcessor extends AbstractProcessor implements SearchRequestProcessor {

    public static final String TYPE = "hubness";
    public static final String HEADER = "X-Hubness-Processor";

    /** Why a request passes unchanged; the code is what the response header carries. */
    public enum Unchanged {
        HAS_HUBNESS_RESCORE("has_hubness_rescore"),
        NO_KNN_QUERY("no_knn_query"),
        SORTED("sorted"),
        SCROLL("scroll");

        public final String code;

        Unchanged(String code) {
            this.code = code;
        }
    }

    private final RescoreTemplate template;
    private final HubnessServices services;
    private final ThreadContext threadContext;

    HubnessRequestProcessor(
            String tag,
            String description,
            boolean ignoreFailure,
            RescoreTemplate template,
            HubnessServices services,
            ThreadContext threadContext) {
        super(tag, description, ignoreFailure);
        this.template = template;
        this.services = services;
        this.threadContext = threadContext;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    RescoreTemplate template() {
        return template;
    }

    @Override
    public SearchRequest processRequest(SearchRequest request) {
        SearchSourceBuilder source = request.source();
        // rendering the knn query costs more than the rest: skip it for requests that bring their own clause
        KnnClause knn = source == null || HubnessClauses.count(source) > 0 ? null : KnnClause.of(source.query());
        Unchanged skip = request.scroll() != null ? Unchanged.SCROLL : skipReason(source, knn);
        if (skip != null) {
            tell("unchanged: " + skip.code);
            return request;
        }
        try {
            checkBank(knn);
            source.addRescorer(template.build(knn.vector(), knn.field()));
            // as for an explicit clause (HubnessSearchFilter): a shard that refuses fails the search as a whole
            request.allowPartialSearchResults(false);
        } catch (RuntimeException e) {
            tell("failed"); // with ignore_failure the request runs on as it came; the header still says why it was
            // not rescored
            throw e;
        }
        tell("added");
        return request;
    }

    /** Null when the processor adds the clause. */
    static Unchanged skipReason(SearchSourceBuilder source, KnnClause knn) {
        if (source == null) return Unchanged.NO_KNN_QUERY;
        if (HubnessClauses.count(source) > 0) return Unchanged.HAS_HUBNESS_RESCORE;
        if (knn == null) return Unchanged.NO_KNN_QUERY;
        // OpenSearch refuses rescore together with a sort other than _score: such a request keeps working as it was
        List<SortBuilder<?>> sorts = source.sorts();
        if (sorts != null && sorts.stream().anyMatch(s -> !(s instanceof ScoreSortBuilder))) return Unchanged.SORTED;
        return null;
    }

    /** A failure here is the processor's own, so ignore_failure applies; the rescorer re-checks on its own. */
    private void checkBank(KnnClause knn) {
        checkBank(services, template.bank(), knn, "[hubness] processor" + tagged(), "in the pipeline");
    }

    /**
     * The bank exists on this node and has the knn query's dimension: a 400 that says what to fix, before the
     * rescorer's own checks. {@code who} opens the message, {@code where} says where the user sets [bank].
     */
    static void checkBank(HubnessServices services, String bankName, KnnClause knn, String who, String where) {
        if (services.waitingGallery(bankName) != null) return; // no version yet: passes through, and captures
        LoadedBank bank = services.banks().current(bankName);
        if (bank == null) {
            throw new OpenSearchStatusException(
                    who + ": unknown bank [" + bankName + "]; create and build it with PUT /_plugins/_hubness/banks/"
                            + bankName + ", or set [bank] " + where + " to an existing bank",
                    RestStatus.BAD_REQUEST);
        }
        if (bank.dimension() != knn.vector().size()) {
            throw new OpenSearchStatusException(
                    who + ": the knn query on [" + knn.field() + "] has a vector of dimension "
                            + knn.vector().size()
                            + " but bank [" + bankName + "] has dimension " + bank.dimension()
                            + "; use a bank built for this field",
                    RestStatus.BAD_REQUEST);
        }
    }

    private String tagged() {
        return getTag() == null ? "" : " [" + getTag() + "]";
    }

    private void tell(String outcome) {
        if (threadContext != null) threadContext.addResponseHeader(HEADER, outcome);
    }
}

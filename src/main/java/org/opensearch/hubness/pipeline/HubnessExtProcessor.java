package org.opensearch.hubness.pipeline;

import java.util.Map;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.rescore.HubnessClauses;
import org.opensearch.hubness.rescore.HubnessServices;
import org.opensearch.search.SearchExtBuilder;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.pipeline.AbstractProcessor;
import org.opensearch.search.pipeline.Processor;
import org.opensearch.search.pipeline.ProcessorGenerationContext;
import org.opensearch.search.pipeline.SearchRequestProcessor;
import org.opensearch.search.pipeline.SystemGeneratedProcessor;

/**
 * The system-generated request processor behind {@code ext.hubness} ({@link HubnessSearchExt}): OpenSearch generates
 * it for a request that carries the ext, once an admin has listed {@value #FACTORY} in
 * {@code cluster.search.enabled_system_generated_factories}. It adds the {@code hubness} rescore clause exactly as the
 * {@code hubness} pipeline processor does (same template, same knn query reading, same bank check), so the answer is
 * the explicit clause's. It runs before the user's pipeline (the request's own ext wins over a stored or default
 * pipeline: that pipeline's {@code hubness} processor then finds the clause and passes the request unchanged), and
 * before k-NN's MMR processors, which run after the user's pipeline. Where the pipeline processor lets a request pass
 * unchanged, the ext refuses it with a 400: the user asked for the rescore, a plain answer would hide that it did not
 * happen.
 */
public final class HubnessExtProcessor extends AbstractProcessor
        implements SearchRequestProcessor, SystemGeneratedProcessor {

    public static final String TYPE = "hubness_ext";
    /** The name an admin lists in {@code cluster.search.enabled_system_generated_factories}. */
    public static final String FACTORY = "hubness_ext_factory";

    private final HubnessServices services;

    HubnessExtProcessor(String tag, HubnessServices services) {
        super(tag, "adds the hubness rescore clause that ext.hubness asks for", false);
        this.services = services;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    /** Before the user's pipeline, so that the request's own ext decides over a stored or default pipeline. */
    @Override
    public ExecutionStage getExecutionStage() {
        return ExecutionStage.PRE_USER_DEFINED;
    }

    @Override
    public SearchRequest processRequest(SearchRequest request) {
        SearchSourceBuilder source = request.source();
        HubnessSearchExt ext = extOf(source);
        if (ext == null) return request; // generated only for a request with the ext: nothing to do otherwise
        KnnClause knn = HubnessClauses.count(source) > 0 ? null : KnnClause.of(source.query());
        HubnessRequestProcessor.Unchanged refused = request.scroll() != null
                ? HubnessRequestProcessor.Unchanged.SCROLL
                : HubnessRequestProcessor.skipReason(source, knn);
        if (refused != null) throw badRequest(why(refused));
        RescoreTemplate template = ext.template(services);
        HubnessRequestProcessor.checkBank(services, template.bank(), knn, "[ext.hubness]", "in ext.hubness");
        source.addRescorer(template.build(knn.vector(), knn.field()));
        // as for an explicit clause (HubnessSearchFilter): a shard that refuses fails the search as a whole
        request.allowPartialSearchResults(false);
        return request;
    }

    static HubnessSearchExt extOf(SearchSourceBuilder source) {
        if (source == null || source.ext() == null) return null;
        for (SearchExtBuilder e : source.ext()) if (e instanceof HubnessSearchExt h) return h;
        return null;
    }

    private static String why(HubnessRequestProcessor.Unchanged reason) {
        return switch (reason) {
            case HAS_HUBNESS_RESCORE ->
                "[ext.hubness] and a [hubness] rescore clause in one search: a search holds at"
                        + " most one hubness rescore; keep the clause or the ext, not both";
            case NO_KNN_QUERY ->
                "[ext.hubness] needs a knn query (or a bool with a single knn clause in must or"
                        + " should) to take the query vector and field from; use a knn query, or write the [hubness]"
                        + " rescore clause with its query_vector yourself";
            case SORTED ->
                "[ext.hubness] cannot rescore a search sorted by anything but _score (OpenSearch refuses"
                        + " a rescore with such a sort); drop the sort or the ext";
            case SCROLL ->
                "[ext.hubness] cannot rescore a scroll (OpenSearch refuses a rescore in a scroll"
                        + " context); use search_after with a point in time, or drop the ext";
        };
    }

    private static OpenSearchStatusException badRequest(String message) {
        return new OpenSearchStatusException(message, RestStatus.BAD_REQUEST);
    }

    /** Generates the processor for a request whose source carries {@code ext.hubness}. */
    public static final class Factory implements SystemGeneratedFactory<SearchRequestProcessor> {

        private final HubnessServices services;

        public Factory(HubnessServices services) {
            this.services = services;
        }

        @Override
        public boolean shouldGenerate(ProcessorGenerationContext context) {
            SearchRequest request = context.searchRequest();
            return request != null && extOf(request.source()) != null;
        }

        @Override
        public SearchRequestProcessor create(
                Map<String, Processor.Factory<SearchRequestProcessor>> factories,
                String tag,
                String description,
                boolean ignoreFailure,
                Map<String, Object> config,
                Processor.PipelineContext pipelineContext) {
            return new HubnessExtProcessor(tag, services);
        }
    }
}

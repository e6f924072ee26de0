package org.opensearch.hubness.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchException;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.hubness.rescore.HubnessServices;
import org.opensearch.hubness.rescore.UnknownRescoreParameterException;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.search.pipeline.Processor;
import org.opensearch.search.pipeline.SearchRequestProcessor;

/**
 * Reads a {@code hubness} processor's configuration when a search pipeline is stored: {@code window_size} is the
 * processor's own, every other parameter is the {@code hubness} rescore clause's and is validated by its parser now,
 * so a bad configuration is a 400 at {@code PUT _search/pipeline/{id}}, not at the first search.
 */
public final class HubnessProcessorFactory implements Processor.Factory<SearchRequestProcessor> {

    public static final String WINDOW_SIZE = "window_size";
    /** Rescore parameters a request brings in its knn query; the processor refuses them. */
    public static final List<String> FROM_THE_QUERY = List.of(RescoreTemplate.QUERY_VECTOR, RescoreTemplate.FIELD);

    private final HubnessServices services;
    private final ThreadContext threadContext;

    public HubnessProcessorFactory(HubnessServices services, ThreadContext threadContext) {
        this.services = services;
        this.threadContext = threadContext;
    }

    @Override
    public HubnessRequestProcessor create(
            Map<String, Processor.Factory<SearchRequestProcessor>> factories,
            String tag,
            String description,
            boolean ignoreFailure,
            Map<String, Object> config,
            Processor.PipelineContext pipelineContext) {
        int window = windowSize(tag, config.remove(WINDOW_SIZE));
        for (String fromQuery : FROM_THE_QUERY) {
            if (config.containsKey(fromQuery)) {
                throw invalid(tag, fromQuery, "is taken from each request's knn query; leave it out of the processor");
            }
        }
        Map<String, Object> clause = new LinkedHashMap<>(config);
        config.clear(); // the pipeline refuses keys a factory leaves behind; the rescore parser has judged them all
        try {
            RescoreTemplate template = new RescoreTemplate(clause, window, services);
            return new HubnessRequestProcessor(tag, description, ignoreFailure, template, services, threadContext);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            if (ExceptionsHelper.unwrap(e, UnknownRescoreParameterException.class) != null) {
                reason += "; besides those the processor takes [" + WINDOW_SIZE + "], and " + FROM_THE_QUERY
                        + " come from the request's knn query";
            }
            throw invalid(tag, null, reason);
        }
    }

    private static int windowSize(String tag, Object value) {
        try {
            return RescoreTemplate.windowSize(value);
        } catch (IllegalArgumentException e) {
            throw invalid(tag, WINDOW_SIZE, e.getMessage());
        }
    }

    private static OpenSearchException invalid(String tag, String property, String reason) {
        return ConfigurationUtils.newConfigurationException(HubnessRequestProcessor.TYPE, tag, property, reason);
    }
}

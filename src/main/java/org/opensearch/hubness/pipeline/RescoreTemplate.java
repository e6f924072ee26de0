package org.opensearch.hubness.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.HubnessServices;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder;

/**
 * The processor's rescore clause without the two values each request brings ({@code query_vector}, {@code field}).
 * Every clause, the probe built when the pipeline is stored and the one built per request, goes through
 * {@link HubnessRescorerBuilder#fromXContent}, so the processor accepts and refuses exactly what the explicit
 * {@code hubness} rescore clause does.
 */
final class RescoreTemplate {

    static final String QUERY_VECTOR = "query_vector";
    static final String FIELD = "field";
    static final String BANK = "bank";

    private final Map<String, Object> clause;
    private final int windowSize;
    private final HubnessServices services;

    /** Validates the clause now (a 1-d probe vector stands in for the query's): a bad value fails the pipeline's PUT. */
    RescoreTemplate(Map<String, Object> clause, int windowSize, HubnessServices services) {
        this.clause = Map.copyOf(clause);
        this.windowSize = windowSize;
        this.services = services;
        build(List.of(1f), null);
    }

    String bank() {
        return (String) clause.get(BANK);
    }

    int windowSize() {
        return windowSize;
    }

    /** The rescore clause for one knn query: the template plus that query's vector and field. */
    HubnessRescorerBuilder build(List<? extends Number> vector, String field) {
        Map<String, Object> body = new LinkedHashMap<>(clause);
        body.put(QUERY_VECTOR, vector);
        if (field != null) body.put(FIELD, field);
        try {
            BytesReference json =
                    BytesReference.bytes(XContentFactory.jsonBuilder().map(body));
            try (XContentParser parser = JsonXContent.jsonXContent.createParser(
                    NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json.streamInput())) {
                parser.nextToken();
                return HubnessRescorerBuilder.fromXContent(parser, services).windowSize(windowSize);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

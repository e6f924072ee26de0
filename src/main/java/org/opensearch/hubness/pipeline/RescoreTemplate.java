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
import org.opensearch.hubness.rescore.HubnessRescorerBuilder;
import org.opensearch.hubness.rescore.HubnessServices;

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
    /** The rescore clause's window default. */
    static final int DEFAULT_WINDOW_SIZE = 10;

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

    /**
     * The processor's and the ext's own {@code window_size} (null: the rescore clause's default of 10); the reason
     * without the parameter's name, which each caller adds in its own form.
     */
    static int windowSize(Object value) {
        if (value == null) return DEFAULT_WINDOW_SIZE;
        if (!(value instanceof Integer || value instanceof Long)
                || ((Number) value).longValue() < 1
                || ((Number) value).longValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "must be a whole number >= 1 (the hits per shard to rescore, at least from + size), got [" + value
                            + "]");
        }
        return ((Number) value).intValue();
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

package org.opensearch.hubness.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;

/**
 * The field and vector of a request's {@code knn} query, read through the query's XContent form so that this plugin
 * needs no compile or classpath dependency on k-NN's {@code KNNQueryBuilder}.
 */
record KnnClause(String field, List<Number> vector) {

    static final String KNN = "knn";

    /**
     * The knn query that decides the request's scores: the query itself, or the single knn clause of a top-level bool
     * (in {@code must} or {@code should}; a bool with more than one knn clause, or with its knn clause only in
     * {@code filter}/{@code must_not}, has no single scoring knn clause). Null when there is none.
     */
    static KnnClause of(QueryBuilder query) {
        if (query == null) return null;
        if (KNN.equals(query.getName())) return read(query);
        if (query instanceof BoolQueryBuilder bool) {
            List<QueryBuilder> knn = Stream.of(bool.must(), bool.should(), bool.filter(), bool.mustNot())
                    .flatMap(List::stream)
                    .filter(q -> KNN.equals(q.getName()))
                    .toList();
            if (knn.size() != 1) return null;
            QueryBuilder only = knn.get(0);
            if (!bool.must().contains(only) && !bool.should().contains(only)) return null;
            return read(only);
        }
        return null;
    }

    /** {@code {"knn": {"<field>": {"vector": [...], "k": ...}}}}: one field, whose object holds the vector. */
    @SuppressWarnings("unchecked")
    private static KnnClause read(QueryBuilder knn) {
        Map<String, Object> map = asMap(knn);
        if (!(map.get(KNN) instanceof Map<?, ?> byField) || byField.size() != 1) return null;
        Map.Entry<?, ?> entry = byField.entrySet().iterator().next();
        if (!(entry.getValue() instanceof Map<?, ?> body) || !(body.get("vector") instanceof List<?> values))
            return null;
        List<Number> vector = new ArrayList<>(values.size());
        for (Object v : values) {
            if (!(v instanceof Number n)) return null;
            vector.add(n);
        }
        return vector.isEmpty() ? null : new KnnClause(entry.getKey().toString(), vector);
    }

    private static Map<String, Object> asMap(QueryBuilder query) {
        try {
            BytesReference json = XContentHelper.toXContent(query, XContentType.JSON, false);
            return XContentHelper.convertToMap(json, false, XContentType.JSON).v2();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

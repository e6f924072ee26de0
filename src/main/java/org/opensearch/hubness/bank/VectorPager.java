package org.opensearch.hubness.bank;

import org.opensearch.action.search.ClearScrollRequest;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchScrollRequest;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.functionscore.RandomScoreFunctionBuilder;
import org.opensearch.index.query.functionscore.ScoreFunctionBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.sort.SortBuilders;
import org.opensearch.transport.client.Client;

import java.util.List;
import java.util.Map;

/**
 * Reads (id, vector) pages out of an index with a scroll, server-side, so banks and galleries of any size are read
 * without the user uploading them. Blocking: call it from the build thread pool only.
 */
public final class VectorPager {

    /** One page of vectors, row-major, with the document ids in the same order. */
    public record Page(String[] ids, float[] vectors, int rows) {}

    public interface PageConsumer {
        void accept(Page page);
    }

    private static final TimeValue KEEP_ALIVE = TimeValue.timeValueMinutes(5);

    private final Client client;
    private final int pageSize;

    public VectorPager(Client client, int pageSize) {
        this.client = client;
        this.pageSize = pageSize;
    }

    /** Every document with a value in field, up to limit, in index order; returns how many were read. */
    public long readAll(String index, String field, int dimension, long limit, PageConsumer consumer) {
        SearchSourceBuilder source = new SearchSourceBuilder().size(pageSize).fetchSource(new String[] { field }, null)
            .query(QueryBuilders.existsQuery(field)).sort(SortBuilders.fieldSort("_doc"));
        return scroll(new SearchRequest(index).source(source), field, dimension, limit, consumer);
    }

    /** A seeded random sample of size documents: the same seed over the same documents gives the same sample. */
    public long sample(String index, String field, int dimension, int size, long seed, PageConsumer consumer) {
        RandomScoreFunctionBuilder random = ScoreFunctionBuilders.randomFunction().seed(seed).setField("_seq_no");
        SearchSourceBuilder source = new SearchSourceBuilder().size(Math.min(size, pageSize)).fetchSource(new String[] { field }, null)
            .query(QueryBuilders.functionScoreQuery(QueryBuilders.existsQuery(field), random));
        return scroll(new SearchRequest(index).source(source), field, dimension, size, consumer);
    }

    private long scroll(SearchRequest request, String field, int dimension, long limit, PageConsumer consumer) {
        request.scroll(KEEP_ALIVE);
        request.allowPartialSearchResults(false); // a page missing a shard would build a version over part of the gallery
        SearchResponse response = client.search(request).actionGet();
        String scrollId = response.getScrollId();
        long read = 0;
        try {
            while (response.getHits().getHits().length > 0 && read < limit) {
                SearchHit[] hits = response.getHits().getHits();
                int rows = (int) Math.min(hits.length, limit - read);
                consumer.accept(toPage(hits, rows, field, dimension));
                read += rows;
                if (read >= limit) break;
                response = client.searchScroll(new SearchScrollRequest(scrollId).scroll(KEEP_ALIVE)).actionGet();
                scrollId = response.getScrollId();
            }
        } finally {
            if (scrollId != null) {
                ClearScrollRequest clear = new ClearScrollRequest();
                clear.addScrollId(scrollId);
                client.clearScroll(clear);
            }
        }
        return read;
    }

    @SuppressWarnings("unchecked")
    private static Page toPage(SearchHit[] hits, int rows, String field, int dimension) {
        String[] ids = new String[rows];
        float[] vectors = new float[rows * dimension];
        for (int r = 0; r < rows; r++) {
            ids[r] = hits[r].getId();
            Object value = extract(hits[r].getSourceAsMap(), field);
            if (!(value instanceof List<?> list)) {
                throw new IllegalArgumentException("document [" + ids[r] + "] of [" + hits[r].getIndex() + "] has no vector in [" + field + "]");
            }
            if (list.size() != dimension) {
                throw new IllegalArgumentException("document [" + ids[r] + "] of [" + hits[r].getIndex() + "] has a " + list.size()
                    + "-dimensional vector in [" + field + "], but the gallery field has dimension " + dimension);
            }
            for (int i = 0; i < dimension; i++) {
                float x = ((Number) ((List<Object>) list).get(i)).floatValue();
                if (!Float.isFinite(x)) throw new IllegalArgumentException("document [" + ids[r] + "] has a non-finite value in [" + field + "]");
                vectors[r * dimension + i] = x;
            }
        }
        return new Page(ids, vectors, rows);
    }

    @SuppressWarnings("unchecked")
    private static Object extract(Map<String, Object> source, String field) {
        Object direct = source.get(field);
        if (direct != null) return direct;
        Object node = source;
        for (String part : field.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) return null;
            node = ((Map<String, Object>) m).get(part);
        }
        return node;
    }
}

package org.opensearch.hubness.capture;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.core.action.ActionListener;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.bank.storage.CapturedVectors;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.metrics.Sum;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

/**
 * How many query vectors were captured for a bank since a time, across nodes and restarts: the sum of {@code count}
 * over the bank's {@code capture_batch} tallies in {@code .hubness-banks} written after it. Read as the plugin.
 */
public final class CaptureCounts {

    private static final String SUM = "captured";

    public CaptureCounts() {}

    /** Answers the vectors written for {@code bank} with {@code written_at} after {@code sinceEpochMillis} (0 without any). */
    public void countSince(Client client, String bank, long sinceEpochMillis, ActionListener<Long> listener) {
        SearchSourceBuilder source = new SearchSourceBuilder()
                .size(0)
                .trackTotalHits(false)
                .query(QueryBuilders.boolQuery()
                        .filter(QueryBuilders.termQuery("bank", bank))
                        .filter(QueryBuilders.termQuery("kind", CapturedVectors.BATCH_KIND))
                        .filter(QueryBuilders.rangeQuery(CapturedVectors.WRITTEN_AT)
                                .gt(sinceEpochMillis)))
                .aggregation(AggregationBuilders.sum(SUM).field(CapturedVectors.COUNT));
        new SystemIndexAccess(client.threadPool())
                .<SearchResponse>callAsync(
                        l -> client.prepareSearch(BankBlobs.NAME)
                                .setSource(source)
                                .execute(l),
                        ActionListener.wrap(
                                r -> {
                                    Sum sum = r.getAggregations() == null
                                            ? null
                                            : r.getAggregations().get(SUM);
                                    listener.onResponse(sum == null ? 0L : (long) sum.getValue());
                                },
                                e -> {
                                    if (ExceptionsHelper.unwrap(e, IndexNotFoundException.class) != null)
                                        listener.onResponse(0L);
                                    else listener.onFailure(e);
                                }));
    }
}

package org.opensearch.hubness.rescore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.node.NodeClosedException;
import org.opensearch.search.SearchContextMissingException;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.internal.ShardSearchContextId;
import org.opensearch.transport.NodeNotConnectedException;

/** How a hubness search that failed as a whole reaches the client (docs/api.md, guarantees). */
class HubnessSearchFilterTests {

    /** What OpenSearch answered when node 3 stopped during a search's fetch phase: a 500. */
    @Test
    void aNodeThatLeftDuringTheSearchIsARetryable503() {
        Exception core = new SearchPhaseExecutionException(
                "fetch", "", new NodeNotConnectedException(null, "Node not connected"), ShardSearchFailure.EMPTY_ARRAY);
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, ((SearchPhaseExecutionException) core).status());
        Exception out = HubnessSearchFilter.retryableIfANodeLeft(core);
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, ((OpenSearchStatusException) out).status());
        assertTrue(out.getMessage().contains("retry the search"), out.getMessage());
        assertSame(core, out.getCause());
    }

    @Test
    void aClosingNodeIsARetryable503Too() {
        Exception out = HubnessSearchFilter.retryableIfANodeLeft(new NodeClosedException((DiscoveryNode) null));
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, ((OpenSearchStatusException) out).status());
    }

    /** What OpenSearch answered when node 3 freed its contexts on closing between a search's query and fetch: 404. */
    @Test
    void aContextFreedBeforeTheFetchPhaseIsARetryable503() {
        Exception core = fetchFailure("fetch");
        assertEquals(RestStatus.NOT_FOUND, ((SearchPhaseExecutionException) core).status());
        Exception out = HubnessSearchFilter.retryableIfANodeLeft(core);
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, ((OpenSearchStatusException) out).status());
        assertTrue(out.getMessage().contains("No search context found"), out.getMessage());
    }

    /** In the query phase a missing context is an expired scroll or point in time: the client's 404 stays. */
    @Test
    void aContextMissingInTheQueryPhaseKeepsItsStatus() {
        Exception core = fetchFailure("query");
        assertSame(core, HubnessSearchFilter.retryableIfANodeLeft(core));
    }

    /** A closing node's shut-down search pool rejects the shard request: OpenSearch's 429, but no retry reaches it. */
    @Test
    void aShardRejectedByAClosingNodesPoolIsARetryable503() {
        Exception core = new SearchPhaseExecutionException("fetch", "", new ShardSearchFailure[] {
            new ShardSearchFailure(new OpenSearchRejectedExecutionException("search pool shut down", true), null)
        });
        Exception out = HubnessSearchFilter.retryableIfANodeLeft(core);
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, ((OpenSearchStatusException) out).status());
        assertTrue(out.getMessage().contains("search pool shut down"), out.getMessage());
    }

    /** A pool that is merely full is the client's 429 to back off from, as OpenSearch answers it. */
    @Test
    void aShardRejectedByAFullPoolKeepsItsStatus() {
        Exception core = new SearchPhaseExecutionException("query", "", new ShardSearchFailure[] {
            new ShardSearchFailure(new OpenSearchRejectedExecutionException("search queue full", false), null)
        });
        assertSame(core, HubnessSearchFilter.retryableIfANodeLeft(core));
    }

    private static SearchPhaseExecutionException fetchFailure(String phase) {
        SearchContextMissingException missing = new SearchContextMissingException(new ShardSearchContextId("n", 401));
        return new SearchPhaseExecutionException(phase, "Partial shards failure", missing, new ShardSearchFailure[] {
            new ShardSearchFailure(missing, null)
        });
    }

    @Test
    void anyOtherFailureKeepsItsStatus() {
        Exception bad = new IllegalArgumentException("[hubness] unknown method [foo]");
        assertSame(bad, HubnessSearchFilter.retryableIfANodeLeft(bad));
    }

    private static HubnessRescorerBuilder clause() {
        return new HubnessRescorerBuilder(new HubnessServices(), "b", new float[] {1, 0});
    }

    /** Runs the filter over a search whose chain does {@code search}; returns the failure the client gets. */
    private static Exception failureOf(SearchRequest request, ActionFilterChain<SearchRequest, SearchResponse> search) {
        AtomicReference<Exception> out = new AtomicReference<>();
        new HubnessSearchFilter()
                .apply(
                        null,
                        SearchAction.NAME,
                        request,
                        ActionListener.wrap(r -> out.set(new IllegalStateException("no failure")), out::set),
                        search);
        return out.get();
    }

    @Test
    void anExplicitClauseRunsWithoutPartialResults() {
        SearchRequest request = new SearchRequest("gallery").source(new SearchSourceBuilder().addRescorer(clause()));
        AtomicBoolean ran = new AtomicBoolean();
        failureOf(request, (task, action, r, listener) -> {
            ran.set(true);
            assertEquals(Boolean.FALSE, r.allowPartialSearchResults());
            listener.onFailure(new IllegalStateException("done"));
        });
        assertTrue(ran.get());
    }

    @Test
    void twoClausesAreRefusedBeforeTheSearchRuns() {
        SearchRequest request = new SearchRequest("gallery")
                .source(new SearchSourceBuilder().addRescorer(clause()).addRescorer(clause()));
        Exception e = failureOf(request, (task, action, r, listener) -> {
            throw new AssertionError("the search must not run");
        });
        assertTrue(e.getMessage().contains("at most one [hubness] rescore clause, got 2"), e.getMessage());
    }

    /** The search pipeline's processor adds its clause after the filter, into the same source. */
    @Test
    void aNodeThatLeftIsARetryable503AlsoWhenAPipelineAddedTheClause() {
        Exception e = failureOf(new SearchRequest("gallery").source(new SearchSourceBuilder()), (task, a, r, l) -> {
            r.source().addRescorer(clause());
            l.onFailure(new NodeClosedException((DiscoveryNode) null));
        });
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, ((OpenSearchStatusException) e).status());
    }

    @Test
    void aSearchWithoutAHubnessClauseKeepsItsFailure() {
        Exception closed = new NodeClosedException((DiscoveryNode) null);
        assertSame(
                closed,
                failureOf(
                        new SearchRequest("other").source(new SearchSourceBuilder()),
                        (task, a, r, l) -> l.onFailure(closed)));
    }
}

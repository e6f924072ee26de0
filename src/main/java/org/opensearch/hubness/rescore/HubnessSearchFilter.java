package org.opensearch.hubness.rescore;

import java.util.ArrayList;
import java.util.List;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.node.NodeClosedException;
import org.opensearch.search.SearchContextMissingException;
import org.opensearch.tasks.Task;
import org.opensearch.transport.ConnectTransportException;

/**
 * What a search that brings its own {@code hubness} rescore clause gets before it runs (a clause the search pipeline's
 * processor adds later gets the same from the processor): at most one such clause ({@link HubnessClauses}), and no
 * partial results. A shard that could not use the pinned bank version (being loaded, refused, deleted meanwhile, or
 * not the bank's gallery) would otherwise leave a 200 with some hits rescored and others missing, so the search runs
 * with {@code allow_partial_search_results: false} and OpenSearch fails it as a whole (the shards' common status, else
 * the server-side one); a response that still reports failed shards becomes their common 4xx, else a retryable 503. A
 * search that failed because a node it used left or closed while it ran (OpenSearch answers 500 then, 429 when the
 * closing node's thread pools were shut down, or 404 when it had already freed the search's context before its fetch
 * phase) is a retryable 503 as well: the same search succeeds on the copies that remain.
 */
public final class HubnessSearchFilter implements ActionFilter {

    @Override
    public int order() {
        return Integer.MAX_VALUE;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(
            Task task,
            String action,
            Request request,
            ActionListener<Response> listener,
            ActionFilterChain<Request, Response> chain) {
        if (!SearchAction.NAME.equals(action) || !(request instanceof SearchRequest search)) {
            chain.proceed(task, action, request, listener);
            return;
        }
        if (HubnessClauses.count(search.source()) == 0) {
            // The hubness processor of a search pipeline may add the clause after this filter, into this same source
            // (OpenSearch's pipelined request shares it): a node that left is then a retryable 503 as for a clause
            // written in the request. Should a pipeline ever copy the source, such a failure keeps OpenSearch's status.
            chain.proceed(
                    task,
                    action,
                    request,
                    ActionListener.delegateResponse(
                            listener,
                            (l, e) -> l.onFailure(
                                    HubnessClauses.count(search.source()) > 0 ? retryableIfANodeLeft(e) : e)));
            return;
        }
        try {
            HubnessClauses.requireAtMostOne(search.source());
        } catch (IllegalArgumentException e) {
            listener.onFailure(e);
            return;
        }
        search.allowPartialSearchResults(false);
        chain.proceed(
                task,
                action,
                request,
                ActionListener.wrap(
                        response -> {
                            if (response instanceof SearchResponse r && r.getFailedShards() > 0) {
                                listener.onFailure(wholeFailure(r));
                            } else {
                                listener.onResponse(response);
                            }
                        },
                        e -> listener.onFailure(retryableIfANodeLeft(e))));
    }

    static Exception retryableIfANodeLeft(Exception e) {
        Throwable left = nodeLeftOrClosing(e);
        if (left == null) return e;
        return new OpenSearchStatusException(
                "a node the search used left the cluster or closed while it ran (" + left.getMessage()
                        + "); retry the search",
                RestStatus.SERVICE_UNAVAILABLE,
                e);
    }

    /**
     * What in {@code e} (its causes, and each failed shard's) says a node left or is closing, or null. Besides a lost
     * connection and a closed node, a closing node shows in two ways: its thread pools, shut down, reject the request
     * (OpenSearch's 429, though no retry will ever reach that pool); and it frees its search contexts before its
     * transport stops, so a fetch phase finds gone the context its own query phase made a moment before (a 404, but not
     * an expired scroll or point in time: those fail in the query phase).
     */
    private static Throwable nodeLeftOrClosing(Exception e) {
        List<Throwable> causes = new ArrayList<>(List.of(e));
        boolean fetch = false;
        if (ExceptionsHelper.unwrap(e, SearchPhaseExecutionException.class)
                instanceof SearchPhaseExecutionException p) {
            fetch = "fetch".equals(p.getPhaseName());
            for (ShardSearchFailure f : p.shardFailures()) if (f.getCause() != null) causes.add(f.getCause());
        }
        for (Throwable cause : causes) {
            Throwable left = ExceptionsHelper.unwrap(cause, ConnectTransportException.class, NodeClosedException.class);
            if (left != null) return left;
            if (ExceptionsHelper.unwrap(cause, OpenSearchRejectedExecutionException.class)
                            instanceof OpenSearchRejectedExecutionException r
                    && r.isExecutorShutdown()) return r;
            Throwable missing = fetch ? ExceptionsHelper.unwrap(cause, SearchContextMissingException.class) : null;
            if (missing != null) return missing;
        }
        return null;
    }

    private static OpenSearchStatusException wholeFailure(SearchResponse r) {
        RestStatus status = null;
        StringBuilder reasons = new StringBuilder();
        for (ShardSearchFailure f : r.getShardFailures()) {
            status = status == null || status == f.status() ? f.status() : RestStatus.SERVICE_UNAVAILABLE;
            if (reasons.length() > 0) reasons.append("; ");
            reasons.append(f.shard() == null ? "a shard" : f.shard().toString())
                    .append(": ")
                    .append(f.reason());
        }
        // some shards answered, so a server-side failure of the others (a node closing or leaving) is transient:
        // retryable
        if (status == null || status.getStatus() >= 500) status = RestStatus.SERVICE_UNAVAILABLE;
        return new OpenSearchStatusException(
                "the hubness rescore failed on " + r.getFailedShards() + " of " + r.getTotalShards()
                        + " shards, so no partial result is returned (retry the search): " + reasons,
                status);
    }
}

package org.opensearch.hubness.rest;

import static org.opensearch.rest.RestRequest.Method.POST;

import java.util.List;
import org.opensearch.hubness.transport.ClearCache;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

/** POST /_plugins/_hubness/banks/{name}/_clear_cache (404 for a missing bank) and POST /_plugins/_hubness/_clear_cache. */
final class RestClearCacheHandler extends BaseRestHandler {

    @Override
    public String getName() {
        return "hubness_clear_cache";
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route(POST, HubnessRestHandlers.BANKS + "/{name}/_clear_cache"),
                new Route(POST, HubnessRestHandlers.BASE + "/_clear_cache"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        ClearCache.Request clear = new ClearCache.Request(request.param("name"));
        return channel -> client.execute(ClearCache.ACTION, clear, new RestToXContentListener<>(channel));
    }
}

package org.opensearch.hubness.rest;

import static org.opensearch.rest.RestRequest.Method.GET;

import java.util.List;
import org.opensearch.hubness.transport.HubnessStats;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

/** GET /_plugins/_hubness/stats: every node's banks, cache and rescore counters. */
final class RestStatsHandler extends BaseRestHandler {

    @Override
    public String getName() {
        return "hubness_stats";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, HubnessRestHandlers.BASE + "/stats"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        return channel ->
                client.execute(HubnessStats.ACTION, new HubnessStats.Request(), new RestToXContentListener<>(channel));
    }
}

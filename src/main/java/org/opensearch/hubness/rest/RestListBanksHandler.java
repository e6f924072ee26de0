package org.opensearch.hubness.rest;

import static org.opensearch.rest.RestRequest.Method.GET;

import java.util.List;
import org.opensearch.hubness.transport.GetBank;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

/** GET /_plugins/_hubness/banks: every bank with its state, serving version and gallery. */
final class RestListBanksHandler extends BaseRestHandler {

    @Override
    public String getName() {
        return "hubness_list_banks";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, HubnessRestHandlers.BANKS));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        return channel -> client.execute(
                GetBank.ACTION, new GetBank.Request((String) null), new RestToXContentListener<>(channel));
    }
}

package org.opensearch.hubness.rest;

import static org.opensearch.rest.RestRequest.Method.GET;

import java.util.List;
import org.opensearch.hubness.transport.GetBank;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

/** GET /_plugins/_hubness/banks/{name}: the bank's state, versions, build report and every node's view of it. */
final class RestGetBankHandler extends BaseRestHandler {

    @Override
    public String getName() {
        return "hubness_get_bank";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, HubnessRestHandlers.BANKS + "/{name}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        GetBank.Request get = new GetBank.Request(request.param("name"));
        return channel -> client.execute(GetBank.ACTION, get, new RestToXContentListener<>(channel));
    }
}

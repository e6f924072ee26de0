package org.opensearch.hubness.rest;

import static org.opensearch.rest.RestRequest.Method.DELETE;

import java.util.List;
import org.opensearch.hubness.transport.DeleteBank;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

/** DELETE /_plugins/_hubness/banks/{name}: removes the bank and cancels its build; acknowledged once every node dropped it. */
final class RestDeleteBankHandler extends BaseRestHandler {

    @Override
    public String getName() {
        return "hubness_delete_bank";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(DELETE, HubnessRestHandlers.BANKS + "/{name}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        DeleteBank.Request delete = new DeleteBank.Request(request.param("name"));
        return channel -> client.execute(DeleteBank.ACTION, delete, new RestToXContentListener<>(channel));
    }
}

package org.opensearch.hubness.rest;

import static org.opensearch.rest.RestRequest.Method.POST;

import java.util.List;
import org.opensearch.hubness.transport.RebuildBank;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestStatusToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

/**
 * POST /_plugins/_hubness/banks/{name}/_rebuild. It takes no body (a rebuild uses the stored definition; to change
 * it, DELETE and PUT): a body is a 400. A missing bank is a 404 and a running build a 409, also with the 202 form.
 */
final class RestRebuildBankHandler extends BaseRestHandler {

    @Override
    public String getName() {
        return "hubness_rebuild_bank";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, HubnessRestHandlers.BANKS + "/{name}/_rebuild"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String name = request.param("name");
        boolean wait = request.paramAsBoolean("wait_for_completion", false);
        // the action refuses a body or a bad name, once the security plugin authorised it
        boolean withBody = request.hasContent() && request.content().length() > 0;
        RebuildBank.Request rebuild = new RebuildBank.Request(name, withBody, !wait);
        if (wait)
            return channel -> client.execute(RebuildBank.ACTION, rebuild, new RestStatusToXContentListener<>(channel));
        return channel -> {
            BackgroundBuild accepted = new BackgroundBuild(channel, name, client.getLocalNodeId());
            rebuild.onStarted(accepted);
            accepted.taskStarted(client.executeLocally(RebuildBank.ACTION, rebuild, accepted.outcome()));
        };
    }
}

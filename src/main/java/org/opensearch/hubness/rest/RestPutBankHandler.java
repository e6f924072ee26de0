package org.opensearch.hubness.rest;

import static org.opensearch.rest.RestRequest.Method.PUT;

import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.transport.PutBank;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestStatusToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

/**
 * PUT /_plugins/_hubness/banks/{name}. A body beyond plugins.hubness.bank.max_body_size is a 413 before it is parsed
 * (parsing posted vectors into objects is what costs a node its heap). The body is parsed by the action, once the
 * security plugin authorised it: a malformed definition is a 400 before anything is recorded, also when nobody waits.
 */
final class RestPutBankHandler extends BaseRestHandler {

    private final LongSupplier maxBodyBytes;

    RestPutBankHandler(LongSupplier maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public String getName() {
        return "hubness_put_bank";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(PUT, HubnessRestHandlers.BANKS + "/{name}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String name = request.param("name");
        boolean wait = request.paramAsBoolean("wait_for_completion", true);
        long limit = maxBodyBytes.getAsLong();
        BytesReference content = request.hasContent() ? request.content() : null;
        if (content != null && content.length() > limit) {
            throw new OpenSearchStatusException(
                    "the bank definition is " + new ByteSizeValue(content.length()) + ", more than the "
                            + new ByteSizeValue(limit)
                            + " a PUT may carry (setting plugins.hubness.bank.max_body_size); post fewer vectors, or index them "
                            + "and define the bank with {\"index\", \"field\"}",
                    RestStatus.REQUEST_ENTITY_TOO_LARGE);
        }
        // parsed by the action, after the security plugin authorised it: without a bank action a bad body is a 403 too
        PutBank.Request put = new PutBank.Request(name, content, request.getMediaType(), !wait);
        if (wait) return channel -> client.execute(PutBank.ACTION, put, new RestStatusToXContentListener<>(channel));
        return channel -> {
            BackgroundBuild accepted = new BackgroundBuild(channel, name, client.getLocalNodeId());
            put.onStarted(accepted);
            accepted.taskStarted(client.executeLocally(PutBank.ACTION, put, accepted.outcome()));
        };
    }
}

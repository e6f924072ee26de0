package org.opensearch.hubness.rest;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.transport.BankAction;
import org.opensearch.hubness.transport.BankRequest;
import org.opensearch.hubness.transport.JsonResponse;
import org.opensearch.hubness.transport.NodesAction;
import org.opensearch.hubness.transport.NodesRequest;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.tasks.Task;
import org.opensearch.tasks.TaskListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.opensearch.rest.RestRequest.Method.DELETE;
import static org.opensearch.rest.RestRequest.Method.GET;
import static org.opensearch.rest.RestRequest.Method.POST;
import static org.opensearch.rest.RestRequest.Method.PUT;

/** The admin REST API under /_plugins/_hubness; every route is one transport action. */
public final class RestHubnessAction extends BaseRestHandler {

    public static final String BASE = "/_plugins/_hubness";

    @Override
    public String getName() {
        return "hubness_admin";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(PUT, BASE + "/banks/{name}"),
            new Route(GET, BASE + "/banks/{name}"),
            new Route(DELETE, BASE + "/banks/{name}"),
            new Route(GET, BASE + "/banks"),
            new Route(POST, BASE + "/banks/{name}/_rebuild"),
            new Route(POST, BASE + "/banks/{name}/_clear_cache"),
            new Route(POST, BASE + "/_clear_cache"),
            new Route(GET, BASE + "/stats")
        );
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String name = request.param("name");
        String path = request.path();
        if (path.endsWith("/stats")) {
            return channel -> client.execute(NodesAction.STATS, new NodesRequest(null, 0), new RestToXContentListener<>(channel));
        }
        if (path.endsWith("/_clear_cache")) {
            return channel -> client.execute(NodesAction.CLEAR_CACHE, new NodesRequest(name, -1), new RestToXContentListener<>(channel));
        }
        if (path.endsWith("/_rebuild")) {
            boolean wait = request.paramAsBoolean("wait_for_completion", false);
            return background(client, BankAction.REBUILD, new BankRequest(name, null, !wait), wait);
        }
        return switch (request.method()) {
            case PUT -> {
                Map<String, Object> body = request.hasContent() ? request.contentParser().map() : Map.of();
                BankDefinition.fromMap(name, body); // a malformed definition is a 400 now, also when nobody waits
                boolean wait = request.paramAsBoolean("wait_for_completion", true);
                yield background(client, BankAction.PUT, new BankRequest(name, body, !wait), wait);
            }
            case DELETE -> channel -> client.execute(BankAction.DELETE, new BankRequest(name, null), new RestToXContentListener<>(channel));
            default -> channel -> client.execute(BankAction.GET, new BankRequest(name, null), new RestToXContentListener<>(channel));
        };
    }

    /**
     * Runs a build; without wait_for_completion it answers 202 with the task to follow (GET _tasks/{task}) as soon as
     * the action starts, while the build goes on, as _reindex does; the task keeps its outcome, and the bank's state in
     * GET shows it too. A refusal before the action starts (the security plugin's 403) is the answer instead.
     */
    private static RestChannelConsumer background(NodeClient client, BankAction action, BankRequest request, boolean wait) {
        if (wait) return channel -> client.execute(action, request, new RestToXContentListener<>(channel));
        return channel -> {
            AtomicBoolean answered = new AtomicBoolean();
            request.onStart(task -> {
                if (answered.compareAndSet(false, true)) accepted(channel, client, request, task);
            });
            client.executeLocally(action, request, new TaskListener<JsonResponse>() {
                @Override
                public void onResponse(Task t, JsonResponse response) {}

                @Override
                public void onFailure(Task t, Exception e) {
                    if (!answered.compareAndSet(false, true)) return; // the build's own failure: in the task and the bank
                    try {
                        channel.sendResponse(new BytesRestResponse(channel, e));
                    } catch (IOException io) {
                        io.addSuppressed(e);
                        throw new UncheckedIOException(io);
                    }
                }
            });
        };
    }

    private static void accepted(RestChannel channel, NodeClient client, BankRequest request, Task task) {
        try {
            XContentBuilder body = channel.newBuilder().startObject()
                .field("acknowledged", true)
                .field("bank", request.name())
                .field("task", client.getLocalNodeId() + ":" + task.getId())
                .endObject();
            channel.sendResponse(new BytesRestResponse(RestStatus.ACCEPTED, body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

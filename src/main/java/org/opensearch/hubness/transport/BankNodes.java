package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.opensearch.action.ActionListenerResponseHandler;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.ChannelActionListener;
import org.opensearch.action.support.GroupedActionListener;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.transport.TransportResponse;
import org.opensearch.hubness.cache.CacheWarmer;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.node.NodeView;
import org.opensearch.indices.IndicesService;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportRequestOptions;
import org.opensearch.transport.TransportService;

/**
 * Internal, on every node: each node's view of one bank (the version it serves, the one it refused and why, the one it
 * keeps retrying and why). GET asks for it now. A PUT or _rebuild names the build it published, and each node answers
 * once it holds (loaded and warmed) or refused that version, or no longer needs it, or at the timeout. Nodes load by
 * pulling the version from their cluster state ({@code node/BankSync}); this action only listens, and no thread
 * waits: a node's answer is a listener its load (or its timer) completes.
 */
public final class BankNodes {

    public static final String NAME = "cluster:admin/hubness/internal/bank/nodes";
    /** Each node's part, as OpenSearch names the node-level half of a nodes action. */
    static final String NODE_NAME = NAME + "[n]";

    public static final ActionType<Response> ACTION = new ActionType<>(NAME, Response::new);

    /** How long a build's answer waits for a node to settle on the version it published. */
    public static final TimeValue SETTLE_TIMEOUT = TimeValue.timeValueMinutes(1);
    /** Beyond a node's own timeout: how long the coordinator waits for its answer to travel before calling it lost. */
    private static final TimeValue TRANSPORT_GRACE = TimeValue.timeValueSeconds(30);

    private BankNodes() {}

    /** Which bank; with a build id, each node answers once it has settled on that build (or at the timeout). */
    record Target(String bank, String buildId, TimeValue timeout) implements Writeable {
        Target(StreamInput in) throws IOException {
            this(in.readString(), in.readOptionalString(), in.readTimeValue());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(bank);
            out.writeOptionalString(buildId);
            out.writeTimeValue(timeout);
        }
    }

    public static final class Request extends ActionRequest {
        private final Target target;

        private Request(Target target) {
            this.target = target;
        }

        /** Every node's view now (GET). */
        public static Request now(String bank) {
            return new Request(new Target(bank, null, TimeValue.ZERO));
        }

        /** Every node's view once it holds or refused the build (a PUT's or _rebuild's answer). */
        public static Request whenSettled(String bank, String buildId) {
            return new Request(new Target(bank, buildId, SETTLE_TIMEOUT));
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            target = new Target(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            target.writeTo(out);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    /** One view per node, in node-name order; a node that did not answer says why. */
    public static final class Response extends ActionResponse {
        private final List<NodeView> nodes;

        Response(List<NodeView> nodes) {
            this.nodes = nodes;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            nodes = in.readList(NodeView::new);
        }

        public List<NodeView> nodes() {
            return nodes;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeList(nodes);
        }
    }

    static final class NodeRequest extends TransportRequest {
        final Target target;

        NodeRequest(Target target) {
            this.target = target;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            target = new Target(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            target.writeTo(out);
        }
    }

    static final class NodeAnswer extends TransportResponse {
        final NodeView view;

        NodeAnswer(NodeView view) {
            this.view = view;
        }

        NodeAnswer(StreamInput in) throws IOException {
            super(in);
            view = new NodeView(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            view.writeTo(out);
        }
    }

    public static final class TransportAction extends HandledTransportAction<Request, Response> {
        private final TransportService transportService;
        private final ClusterService clusterService;

        @Inject
        public TransportAction(
                TransportService t,
                ActionFilters f,
                ClusterService c,
                NodeBanks node,
                IndicesService indices,
                DocTermsCache cache) {
            super(NAME, t, f, Request::new);
            this.transportService = t;
            this.clusterService = c;
            // the plugin's components are made before the node's indices service can be injected: wired here, once
            node.warmLoadsWith(new CacheWarmer(indices, c, cache));
            t.registerRequestHandler(
                    NODE_NAME,
                    ThreadPool.Names.SAME, // registers a listener (or describes the node at once): never blocks
                    NodeRequest::new,
                    (request, channel, task) -> node.describeWhenSettled(
                            request.target.bank(),
                            request.target.buildId(),
                            request.target.timeout(),
                            ActionListener.map(
                                    new ChannelActionListener<>(channel, NODE_NAME, request),
                                    state -> new NodeAnswer(NodeView.of(c.localNode(), state)))));
        }

        @Override
        protected void doExecute(Task task, Request request, ActionListener<Response> listener) {
            List<DiscoveryNode> nodes =
                    new ArrayList<>(clusterService.state().nodes().getNodes().values());
            GroupedActionListener<NodeView> all = new GroupedActionListener<>(
                    ActionListener.map(listener, views -> {
                        List<NodeView> sorted = new ArrayList<>(views);
                        sorted.sort(Comparator.comparing(
                                        NodeView::nodeName, Comparator.nullsLast(Comparator.naturalOrder()))
                                .thenComparing(NodeView::nodeId));
                        return new Response(sorted);
                    }),
                    nodes.size());
            TransportRequestOptions options = TransportRequestOptions.builder()
                    .withTimeout(
                            TimeValue.timeValueMillis(request.target.timeout().millis() + TRANSPORT_GRACE.millis()))
                    .build();
            for (DiscoveryNode n : nodes) {
                transportService.sendRequest(
                        n,
                        NODE_NAME,
                        new NodeRequest(request.target),
                        options,
                        new ActionListenerResponseHandler<>(
                                ActionListener.wrap(
                                        answer -> all.onResponse(answer.view),
                                        // a node that left or did not answer is part of the answer, not its failure
                                        e -> all.onResponse(NodeView.unreachable(n, e))),
                                NodeAnswer::new,
                                ThreadPool.Names.SAME));
            }
        }
    }
}

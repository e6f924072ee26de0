package org.opensearch.hubness.transport;

import org.opensearch.action.ActionType;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.hubness.cache.CacheWarmer;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.indices.IndicesService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Internal, on every node: with {@code load}, load (checking its hash) and warm the serving version of a bank that
 * the node's cluster state names — a PUT or _rebuild answers after this, so the first searches find the bank warm
 * everywhere; without, only report what the node serves or refused (GET).
 */
public final class LoadBank {

    public static final String NAME = "cluster:admin/hubness/internal/bank/load";
    public static final ActionType<Response> ACTION = new ActionType<>(NAME, Response::new);

    private LoadBank() {}

    /** Which bank, and whether to load it or only report; the same for the fan-out request and each node's copy. */
    record Target(String bank, boolean load) implements Writeable {
        Target(StreamInput in) throws IOException {
            this(in.readString(), in.readBoolean());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(bank);
            out.writeBoolean(load);
        }
    }

    public static final class Request extends BaseNodesRequest<Request> {
        private final Target target;

        public Request(String bank, boolean load) {
            super((String[]) null);
            this.target = new Target(bank, load);
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
    }

    public static final class NodeRequest extends TransportRequest {
        private final Target target;

        NodeRequest(Request r) {
            target = r.target;
        }

        public NodeRequest(StreamInput in) throws IOException {
            super(in);
            target = new Target(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            target.writeTo(out);
        }
    }

    public static final class NodeResponse extends BaseNodeResponse {
        private final NodeBanks.BankOnNode state;

        NodeResponse(DiscoveryNode node, NodeBanks.BankOnNode state) {
            super(node);
            this.state = state;
        }

        public NodeResponse(StreamInput in) throws IOException {
            super(in);
            state = new NodeBanks.BankOnNode(in.readOptionalLong(), in.readOptionalLong(), in.readOptionalString(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalLong(state.heldVersion());
            out.writeOptionalLong(state.refusedVersion());
            out.writeOptionalString(state.refusal());
            out.writeVLong(state.documentsWarmed());
        }
    }

    public static final class Response extends BaseNodesResponse<NodeResponse> {
        public Response(ClusterName cluster, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            super(cluster, nodes, failures);
        }

        public Response(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected List<NodeResponse> readNodesFrom(StreamInput in) throws IOException {
            return in.readList(NodeResponse::new);
        }

        @Override
        protected void writeNodesTo(StreamOutput out, List<NodeResponse> nodes) throws IOException {
            out.writeList(nodes);
        }

        public List<NodeView> views() {
            List<NodeView> out = new ArrayList<>();
            for (NodeResponse n : getNodes()) {
                NodeBanks.BankOnNode s = n.state;
                out.add(new NodeView(n.getNode().getId(), n.getNode().getName(), s.heldVersion(), s.refusedVersion(), s.refusal(), null));
            }
            for (FailedNodeException f : failures()) out.add(new NodeView(f.nodeId(), null, null, null, null, f.getDetailedMessage()));
            return out;
        }
    }

    public static final class TransportAction extends TransportNodesAction<Request, Response, NodeRequest, NodeResponse> {
        private final NodeBanks node;
        private final CacheWarmer warmer;

        @Inject
        public TransportAction(ThreadPool p, ClusterService c, TransportService t, ActionFilters f, NodeBanks node, IndicesService indices,
                               DocTermsCache cache) {
            super(NAME, p, c, t, f, Request::new, NodeRequest::new, ThreadPool.Names.GENERIC, NodeResponse.class);
            this.node = node;
            this.warmer = new CacheWarmer(indices, c, cache);
        }

        @Override
        protected Response newResponse(Request request, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            return new Response(clusterService.getClusterName(), nodes, failures);
        }

        @Override
        protected NodeRequest newNodeRequest(Request request) {
            return new NodeRequest(request);
        }

        @Override
        protected NodeResponse newNodeResponse(StreamInput in) throws IOException {
            return new NodeResponse(in);
        }

        @Override
        protected NodeResponse nodeOperation(NodeRequest r) {
            NodeBanks.BankOnNode state = r.target.load() ? node.load(r.target.bank(), warmer) : node.describe(r.target.bank(), 0);
            return new NodeResponse(clusterService.localNode(), state);
        }
    }
}

package org.opensearch.hubness.transport;

import org.opensearch.ResourceNotFoundException;
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
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/** POST .../banks/{name}/_clear_cache and POST .../_clear_cache: every node drops cached terms (of one bank, or all). */
public final class ClearCache {

    public static final String NAME = "cluster:admin/hubness/cache/clear";
    public static final ActionType<Response> ACTION = new ActionType<>(NAME, Response::new);

    private ClearCache() {}

    public static final class Request extends BaseNodesRequest<Request> {
        /** Null: every bank. */
        private final String bank;

        public Request(String bank) {
            super((String[]) null);
            this.bank = bank;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            bank = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(bank);
        }
    }

    public static final class NodeRequest extends TransportRequest {
        private final String bank;

        NodeRequest(String bank) {
            this.bank = bank;
        }

        public NodeRequest(StreamInput in) throws IOException {
            super(in);
            bank = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(bank);
        }
    }

    public static final class NodeResponse extends BaseNodeResponse {
        private final int dropped;

        NodeResponse(DiscoveryNode node, int dropped) {
            super(node);
            this.dropped = dropped;
        }

        public NodeResponse(StreamInput in) throws IOException {
            super(in);
            dropped = in.readVInt();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeVInt(dropped);
        }
    }

    public static final class Response extends BaseNodesResponse<NodeResponse> implements ToXContentObject {
        Response(ClusterName cluster, List<NodeResponse> nodes, List<FailedNodeException> failures) {
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

        @Override
        public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
            return NodesXContent.render(this, b, (n, out) -> out.field("cache_entries_dropped", n.dropped));
        }
    }

    public static final class TransportAction extends TransportNodesAction<Request, Response, NodeRequest, NodeResponse> {
        private final NodeBanks node;

        @Inject
        public TransportAction(ThreadPool p, ClusterService c, TransportService t, ActionFilters f, NodeBanks node) {
            super(NAME, p, c, t, f, Request::new, NodeRequest::new, ThreadPool.Names.GENERIC, NodeResponse.class);
            this.node = node;
        }

        /** A bank the cluster state does not know is a 404, as for every other bank operation. */
        @Override
        protected void doExecute(Task task, Request request, ActionListener<Response> listener) {
            if (request.bank != null && HubnessMetadata.of(clusterService.state()).bank(request.bank) == null) {
                listener.onFailure(new ResourceNotFoundException("no bank [" + request.bank + "]; " + BankTransitions.createHint(request.bank)));
                return;
            }
            super.doExecute(task, request, listener);
        }

        @Override
        protected Response newResponse(Request request, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            return new Response(clusterService.getClusterName(), nodes, failures);
        }

        @Override
        protected NodeRequest newNodeRequest(Request request) {
            return new NodeRequest(request.bank);
        }

        @Override
        protected NodeResponse newNodeResponse(StreamInput in) throws IOException {
            return new NodeResponse(in);
        }

        @Override
        protected NodeResponse nodeOperation(NodeRequest request) {
            return new NodeResponse(clusterService.localNode(), node.clearCache(request.bank));
        }
    }
}

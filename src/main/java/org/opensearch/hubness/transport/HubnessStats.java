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
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.node.NodeStats;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/** GET /_plugins/_hubness/stats: every node's {@link NodeStats}. */
public final class HubnessStats {

    public static final String NAME = "cluster:admin/hubness/stats";
    public static final ActionType<Response> ACTION = new ActionType<>(NAME, Response::new);

    private HubnessStats() {}

    public static final class Request extends BaseNodesRequest<Request> {
        public Request() {
            super((String[]) null);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class NodeRequest extends TransportRequest {
        NodeRequest() {}

        public NodeRequest(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class NodeResponse extends BaseNodeResponse {
        private final NodeStats stats;

        NodeResponse(DiscoveryNode node, NodeStats stats) {
            super(node);
            this.stats = stats;
        }

        public NodeResponse(StreamInput in) throws IOException {
            super(in);
            stats = new NodeStats(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            stats.writeTo(out);
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
            return NodesXContent.render(this, b, (n, out) -> n.stats.toXContent(out));
        }
    }

    public static final class TransportAction extends TransportNodesAction<Request, Response, NodeRequest, NodeResponse> {
        private final NodeBanks node;

        @Inject
        public TransportAction(ThreadPool p, ClusterService c, TransportService t, ActionFilters f, NodeBanks node) {
            super(NAME, p, c, t, f, Request::new, NodeRequest::new, ThreadPool.Names.GENERIC, NodeResponse.class);
            this.node = node;
        }

        @Override
        protected Response newResponse(Request request, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            return new Response(clusterService.getClusterName(), nodes, failures);
        }

        @Override
        protected NodeRequest newNodeRequest(Request request) {
            return new NodeRequest();
        }

        @Override
        protected NodeResponse newNodeResponse(StreamInput in) throws IOException {
            return new NodeResponse(in);
        }

        @Override
        protected NodeResponse nodeOperation(NodeRequest request) {
            return new NodeResponse(clusterService.localNode(), node.stats());
        }
    }
}

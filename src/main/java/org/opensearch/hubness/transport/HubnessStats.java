package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.List;
import org.opensearch.action.ActionType;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.node.NodeStats;
import org.opensearch.hubness.transport.NodesFanOut.NoPayload;
import org.opensearch.hubness.transport.NodesFanOut.NodeResponse;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/** GET /_plugins/_hubness/stats: every node's {@link NodeStats}. */
public final class HubnessStats {

    public static final String NAME = "cluster:admin/hubness/stats";
    public static final ActionType<Response> ACTION = new ActionType<>(NAME, Response::new);

    private HubnessStats() {}

    public static final class Request extends NodesFanOut.Request<NoPayload> {
        public Request() {
            super(new NoPayload());
        }
    }

    public static final class Response extends NodesFanOut.Response<NodeStats> implements ToXContentObject {
        Response(ClusterName cluster, List<NodeResponse<NodeStats>> nodes, List<FailedNodeException> failures) {
            super(cluster, nodes, failures);
        }

        public Response(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected Writeable.Reader<NodeStats> results() {
            return NodeStats::new;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
            return render(b, (stats, out) -> stats.toXContent(out));
        }
    }

    public static final class TransportAction extends NodesFanOut.TransportAction<NoPayload, NodeStats, Response> {
        private final NodeBanks node;

        @Inject
        public TransportAction(ThreadPool p, ClusterService c, TransportService t, ActionFilters f, NodeBanks node) {
            super(NAME, p, c, t, f, NoPayload::new, NodeStats::new);
            this.node = node;
        }

        @Override
        protected Response newResponse(
                NodesFanOut.Request<NoPayload> request,
                List<NodeResponse<NodeStats>> nodes,
                List<FailedNodeException> failures) {
            return new Response(clusterService.getClusterName(), nodes, failures);
        }

        @Override
        protected NodeStats perform(NoPayload nothing) {
            return node.stats();
        }
    }
}

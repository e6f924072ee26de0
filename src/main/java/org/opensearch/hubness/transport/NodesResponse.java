package org.opensearch.hubness.transport;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Every node's answer, rendered as {"nodes": {node id: {...}}, "failures": [...]}. */
public final class NodesResponse extends BaseNodesResponse<NodesResponse.Node> implements ToXContentObject {

    public NodesResponse(ClusterName cluster, List<Node> nodes, List<FailedNodeException> failures) {
        super(cluster, nodes, failures);
    }

    public NodesResponse(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    protected List<Node> readNodesFrom(StreamInput in) throws IOException {
        return in.readList(Node::new);
    }

    @Override
    protected void writeNodesTo(StreamOutput out, List<Node> nodes) throws IOException {
        out.writeList(nodes);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("cluster_name", getClusterName().value());
        builder.startObject("nodes");
        for (Node n : getNodes()) {
            builder.startObject(n.getNode().getId());
            builder.field("name", n.getNode().getName());
            for (Map.Entry<String, Object> e : n.body().entrySet()) builder.field(e.getKey(), e.getValue());
            builder.endObject();
        }
        builder.endObject();
        builder.startArray("failures");
        for (FailedNodeException f : failures()) {
            builder.startObject().field("node", f.nodeId()).field("reason", f.getDetailedMessage()).endObject();
        }
        builder.endArray();
        return builder.endObject();
    }

    /** One node's answer. */
    public static final class Node extends BaseNodeResponse {
        private final Map<String, Object> body;

        public Node(DiscoveryNode node, Map<String, Object> body) {
            super(node);
            this.body = body;
        }

        public Node(StreamInput in) throws IOException {
            super(in);
            body = in.readMap();
        }

        public Map<String, Object> body() {
            return body;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeMap(body);
        }
    }
}

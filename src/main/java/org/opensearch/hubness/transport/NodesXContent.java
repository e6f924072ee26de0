package org.opensearch.hubness.transport;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/** The shape every per-node answer of the admin API shares: {"cluster_name", "nodes": {id: {"name", ...}}, "failures"}. */
final class NodesXContent {

    interface NodeFields<N> {
        void write(N node, XContentBuilder b) throws IOException;
    }

    private NodesXContent() {}

    static <N extends BaseNodeResponse> XContentBuilder render(BaseNodesResponse<N> r, XContentBuilder b, NodeFields<N> fields) throws IOException {
        b.startObject().field("cluster_name", r.getClusterName().value()).startObject("nodes");
        for (N n : r.getNodes()) {
            b.startObject(n.getNode().getId()).field("name", n.getNode().getName());
            fields.write(n, b);
            b.endObject();
        }
        b.endObject().startArray("failures");
        for (FailedNodeException f : r.failures()) b.startObject().field("node", f.nodeId()).field("reason", f.getDetailedMessage()).endObject();
        return b.endArray().endObject();
    }
}

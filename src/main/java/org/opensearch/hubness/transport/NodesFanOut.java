/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.List;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

/**
 * The plumbing every per-node admin operation shares (stats, cache clear, bank load): one typed payload sent to every
 * node, one typed result from each, and one JSON shape for the answer. Each operation keeps its own action name,
 * payload, result and node operation; only the transport boilerplate lives here.
 */
public final class NodesFanOut {

    private NodesFanOut() {}

    /** A payload for operations that need none. */
    public record NoPayload() implements Writeable {
        public NoPayload(StreamInput in) {
            this();
        }

        @Override
        public void writeTo(StreamOutput out) {}
    }

    /** Writes one node's result into that node's object of the answer. */
    @FunctionalInterface
    public interface Fields<R> {
        void write(R result, XContentBuilder b) throws IOException;
    }

    /** The request to every node; the same payload goes to each node. */
    public static class Request<P extends Writeable> extends BaseNodesRequest<Request<P>> {
        private final P payload;

        public Request(P payload) {
            super((String[]) null);
            this.payload = payload;
        }

        Request(StreamInput in, Writeable.Reader<P> payloads) throws IOException {
            super(in);
            payload = payloads.read(in);
        }

        public P payload() {
            return payload;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            payload.writeTo(out);
        }
    }

    /** One node's copy of the payload. */
    public static final class NodeRequest<P extends Writeable> extends TransportRequest {
        private final P payload;

        NodeRequest(P payload) {
            this.payload = payload;
        }

        NodeRequest(StreamInput in, Writeable.Reader<P> payloads) throws IOException {
            super(in);
            payload = payloads.read(in);
        }

        P payload() {
            return payload;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            payload.writeTo(out);
        }
    }

    /** One node's result. */
    public static final class NodeResponse<R extends Writeable> extends BaseNodeResponse {
        private final R result;

        NodeResponse(DiscoveryNode node, R result) {
            super(node);
            this.result = result;
        }

        NodeResponse(StreamInput in, Writeable.Reader<R> results) throws IOException {
            super(in);
            result = results.read(in);
        }

        public R result() {
            return result;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            result.writeTo(out);
        }
    }

    /**
     * Every node's result and the nodes that failed, in the admin API's shape: {"cluster_name", "nodes": {id: {"name",
     * ...fields}}, "failures": [{"node", "reason"}]}. One class for every operation: what differs is how a node's
     * result is read and which fields it writes.
     */
    public static final class Response<R extends Writeable> extends BaseNodesResponse<NodeResponse<R>>
            implements ToXContentObject {
        private final Fields<R> fields;

        Response(
                ClusterName cluster,
                List<NodeResponse<R>> nodes,
                List<FailedNodeException> failures,
                Fields<R> fields) {
            super(cluster, nodes, failures);
            this.fields = fields;
        }

        /** Reads the fields in the order BaseNodesResponse writes them, with the results' reader at hand. */
        public Response(StreamInput in, Writeable.Reader<R> results, Fields<R> fields) throws IOException {
            this(
                    new ClusterName(in),
                    in.readList(i -> new NodeResponse<>(i, results)),
                    in.readList(FailedNodeException::new),
                    fields);
        }

        /** Never called: only BaseNodesResponse's stream constructor calls it, and this class reads in its own. */
        @Override
        protected List<NodeResponse<R>> readNodesFrom(StreamInput in) {
            throw new UnsupportedOperationException("read by the stream constructor");
        }

        @Override
        protected void writeNodesTo(StreamOutput out, List<NodeResponse<R>> nodes) throws IOException {
            out.writeList(nodes);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
            b.startObject().field("cluster_name", getClusterName().value()).startObject("nodes");
            for (NodeResponse<R> n : getNodes()) {
                b.startObject(n.getNode().getId()).field("name", n.getNode().getName());
                fields.write(n.result(), b);
                b.endObject();
            }
            b.endObject().startArray("failures");
            for (FailedNodeException f : failures())
                b.startObject()
                        .field("node", f.nodeId())
                        .field("reason", f.getDetailedMessage())
                        .endObject();
            return b.endArray().endObject();
        }
    }

    /** Runs {@link #perform} on every node (generic thread pool) and gathers the results into one response. */
    public abstract static class TransportAction<P extends Writeable, R extends Writeable>
            extends TransportNodesAction<Request<P>, Response<R>, NodeRequest<P>, NodeResponse<R>> {

        private final Writeable.Reader<R> results;
        private final Fields<R> fields;

        protected TransportAction(
                String name,
                ThreadPool p,
                ClusterService c,
                TransportService t,
                ActionFilters f,
                Writeable.Reader<P> payloads,
                Writeable.Reader<R> results,
                Fields<R> fields) {
            super(
                    name,
                    p,
                    c,
                    t,
                    f,
                    in -> new Request<>(in, payloads),
                    in -> new NodeRequest<>(in, payloads),
                    ThreadPool.Names.GENERIC,
                    nodeResponseClass());
            this.results = results;
            this.fields = fields;
        }

        @SuppressWarnings("unchecked")
        private static <R extends Writeable> Class<NodeResponse<R>> nodeResponseClass() {
            return (Class<NodeResponse<R>>) (Class<?>) NodeResponse.class;
        }

        /** This node's part of the operation. */
        protected abstract R perform(P payload);

        @Override
        protected final NodeRequest<P> newNodeRequest(Request<P> request) {
            return new NodeRequest<>(request.payload());
        }

        @Override
        protected final Response<R> newResponse(
                Request<P> request, List<NodeResponse<R>> nodes, List<FailedNodeException> failures) {
            return new Response<>(clusterService.getClusterName(), nodes, failures, fields);
        }

        @Override
        protected final NodeResponse<R> newNodeResponse(StreamInput in) throws IOException {
            return new NodeResponse<>(in, results);
        }

        @Override
        protected final NodeResponse<R> nodeOperation(NodeRequest<P> request) {
            return new NodeResponse<>(clusterService.localNode(), perform(request.payload()));
        }
    }
}

package org.opensearch.hubness.transport;

import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;

import java.io.IOException;

/** A request sent to every node: an optional bank and version (what to load, forget or clear). */
public final class NodesRequest extends BaseNodesRequest<NodesRequest> {

    /** What a node operation is about; the same for the fan-out request and each node's copy. */
    record Target(String bank, long version) implements Writeable {
        Target(StreamInput in) throws IOException {
            this(in.readOptionalString(), in.readLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalString(bank);
            out.writeLong(version);
        }
    }

    private final Target target;

    public NodesRequest(String bank, long version) {
        super((String[]) null);
        this.target = new Target(bank, version);
    }

    public NodesRequest(StreamInput in) throws IOException {
        super(in);
        target = new Target(in);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        target.writeTo(out);
    }

    public String bank() {
        return target.bank();
    }

    /** What one node receives. */
    public static final class Node extends org.opensearch.transport.TransportRequest {
        private final Target target;

        Node(NodesRequest r) {
            target = r.target;
        }

        public Node(StreamInput in) throws IOException {
            super(in);
            target = new Target(in);
        }

        public String bank() {
            return target.bank();
        }

        public long version() {
            return target.version();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            target.writeTo(out);
        }
    }
}

package org.opensearch.hubness.transport;

import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;

/** A request sent to every node: an optional bank and version (what to load, forget or clear). */
public final class NodesRequest extends BaseNodesRequest<NodesRequest> {

    private final String bank;
    private final long version;

    public NodesRequest(String bank, long version) {
        super((String[]) null);
        this.bank = bank;
        this.version = version;
    }

    public NodesRequest(StreamInput in) throws IOException {
        super(in);
        bank = in.readOptionalString();
        version = in.readLong();
    }

    public String bank() {
        return bank;
    }

    public long version() {
        return version;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeOptionalString(bank);
        out.writeLong(version);
    }

    /** What one node receives. */
    public static final class Node extends org.opensearch.transport.TransportRequest {
        private final String bank;
        private final long version;

        Node(NodesRequest r) {
            bank = r.bank;
            version = r.version;
        }

        public Node(StreamInput in) throws IOException {
            super(in);
            bank = in.readOptionalString();
            version = in.readLong();
        }

        public String bank() {
            return bank;
        }

        public long version() {
            return version;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(bank);
            out.writeLong(version);
        }
    }
}

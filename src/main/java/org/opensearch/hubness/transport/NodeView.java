package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/** One node's view of one bank: the version it serves, or the version it refused and why; or why it did not answer. */
public record NodeView(
        String nodeId, String nodeName, Long version, Long refusedVersion, String refusal, String unreachable)
        implements Writeable {

    public NodeView(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readOptionalString(),
                in.readOptionalLong(),
                in.readOptionalLong(),
                in.readOptionalString(),
                in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(nodeId);
        out.writeOptionalString(nodeName);
        out.writeOptionalLong(version);
        out.writeOptionalLong(refusedVersion);
        out.writeOptionalString(refusal);
        out.writeOptionalString(unreachable);
    }

    void toXContent(XContentBuilder b) throws IOException {
        b.startObject(nodeId);
        if (nodeName != null) b.field("name", nodeName);
        b.field("version", version);
        if (refusal != null)
            b.startObject("refused")
                    .field("version", refusedVersion)
                    .field("reason", refusal)
                    .endObject();
        if (unreachable != null) b.field("unreachable", unreachable);
        b.endObject();
    }
}

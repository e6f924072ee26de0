package org.opensearch.hubness.node;

import java.io.IOException;
import org.opensearch.ExceptionsHelper;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * One node's view of one bank: the version it serves, or the version it refused and why, or the version it keeps
 * trying to read and why it could not yet; or why it did not answer.
 */
public record NodeView(
        String nodeId,
        String nodeName,
        Long version,
        NodeBanks.Refused refused,
        BankSync.Retry retrying,
        String unreachable)
        implements Writeable {

    public static NodeView of(DiscoveryNode node, NodeBanks.BankOnNode s) {
        return new NodeView(node.getId(), node.getName(), s.heldVersion(), s.refused(), s.retrying(), null);
    }

    public static NodeView unreachable(DiscoveryNode node, Exception e) {
        return new NodeView(
                node.getId(),
                node.getName(),
                null,
                null,
                null,
                ExceptionsHelper.unwrapCause(e).getMessage());
    }

    public NodeView(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readOptionalString(),
                in.readOptionalLong(),
                in.readBoolean()
                        ? new NodeBanks.Refused(in.readVLong(), in.readString(), RestStatus.readFrom(in))
                        : null,
                in.readBoolean() ? new BankSync.Retry(in.readVLong(), in.readVInt(), in.readString(), 0) : null,
                in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(nodeId);
        out.writeOptionalString(nodeName);
        out.writeOptionalLong(version);
        out.writeBoolean(refused != null);
        if (refused != null) {
            out.writeVLong(refused.version());
            out.writeString(refused.reason());
            RestStatus.writeTo(out, refused.status());
        }
        out.writeBoolean(retrying != null);
        if (retrying != null) {
            out.writeVLong(retrying.version());
            out.writeVInt(retrying.attempts());
            out.writeString(retrying.reason());
        }
        out.writeOptionalString(unreachable);
    }

    /** Whether the node holds the given version (serves it). */
    public boolean holds(long v) {
        return version != null && version == v;
    }

    /** Whether the node refused the given version. */
    public boolean refuses(long v) {
        return refused != null && refused.version() == v;
    }

    /** The node's name, or its id when it did not say. */
    public String label() {
        return nodeName == null ? nodeId : nodeName;
    }

    public void toXContent(XContentBuilder b) throws IOException {
        b.startObject(nodeId);
        if (nodeName != null) b.field("name", nodeName);
        b.field("version", version);
        if (refused != null)
            b.startObject("refused")
                    .field("version", refused.version())
                    .field("reason", refused.reason())
                    .endObject();
        if (retrying != null)
            b.startObject("retrying")
                    .field("version", retrying.version())
                    .field("failed_reads", retrying.attempts())
                    .field("reason", retrying.reason())
                    .endObject();
        if (unreachable != null) b.field("unreachable", unreachable);
        b.endObject();
    }
}

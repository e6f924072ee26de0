package org.opensearch.hubness.bank.state;

import java.io.IOException;
import java.util.Map;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * The build that runs now: the version it will publish, its unique id (which names its blobs and which the cluster
 * manager checks before publishing, so a build that a DELETE or a newer build overtook can never publish), and the
 * node it runs on, with that node's ephemeral id (the cluster manager fails the build when that node leaves; a node that
 * restarted has a new ephemeral id, so its lost build is failed too).
 */
public record BuildTicket(long version, String buildId, String nodeId, String nodeEphemeralId, long startedMillis)
        implements Writeable {

    public BuildTicket(StreamInput in) throws IOException {
        this(in.readVLong(), in.readString(), in.readString(), in.readString(), in.readLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(version);
        out.writeString(buildId);
        out.writeString(nodeId);
        out.writeString(nodeEphemeralId);
        out.writeLong(startedMillis);
    }

    void toXContent(XContentBuilder b) throws IOException {
        b.startObject()
                .field("version", version)
                .field("build_id", buildId)
                .field("node", nodeId)
                .field("node_ephemeral_id", nodeEphemeralId)
                .field("started", startedMillis)
                .endObject();
    }

    static BuildTicket fromMap(Map<String, Object> m) {
        if (m == null) return null;
        return new BuildTicket(
                ((Number) m.get("version")).longValue(),
                (String) m.get("build_id"),
                (String) m.get("node"),
                (String) m.get("node_ephemeral_id"),
                ((Number) m.get("started")).longValue());
    }
}

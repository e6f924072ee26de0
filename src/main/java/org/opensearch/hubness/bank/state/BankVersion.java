package org.opensearch.hubness.bank.state;

import java.io.IOException;
import java.util.Map;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * One built, published version: which immutable blobs hold it ({@code buildId}), their SHA-256, their shape, and the
 * build report (JSON, shown by GET). A node serves the version only if the blobs it reads hash to {@code sha256}.
 */
public record BankVersion(
        long version,
        String buildId,
        String sha256,
        int dimension,
        int queryRows,
        int galleryRows,
        String buildInfoJson)
        implements Writeable {

    public BankVersion(StreamInput in) throws IOException {
        this(
                in.readVLong(),
                in.readString(),
                in.readString(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(version);
        out.writeString(buildId);
        out.writeString(sha256);
        out.writeVInt(dimension);
        out.writeVInt(queryRows);
        out.writeVInt(galleryRows);
        out.writeString(buildInfoJson);
    }

    void toXContent(XContentBuilder b) throws IOException {
        b.startObject()
                .field("version", version)
                .field("build_id", buildId)
                .field("sha256", sha256)
                .field("dimension", dimension)
                .field("query_rows", queryRows)
                .field("gallery_rows", galleryRows)
                .field("build_info", buildInfoJson)
                .endObject();
    }

    static BankVersion fromMap(Map<String, Object> m) {
        if (m == null) return null;
        return new BankVersion(
                ((Number) m.get("version")).longValue(),
                (String) m.get("build_id"),
                (String) m.get("sha256"),
                ((Number) m.get("dimension")).intValue(),
                ((Number) m.get("query_rows")).intValue(),
                ((Number) m.get("gallery_rows")).intValue(),
                (String) m.get("build_info"));
    }
}

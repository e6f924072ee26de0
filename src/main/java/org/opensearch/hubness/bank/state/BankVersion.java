package org.opensearch.hubness.bank.state;

import static org.opensearch.core.xcontent.ConstructingObjectParser.constructorArg;

import java.io.IOException;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ConstructingObjectParser;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

/**
 * One built, published version: which immutable blobs hold it ({@code buildId}), their SHA-256, their shape, and the
 * build report (shown by GET). A node serves the version only if the blobs it reads hash to {@code sha256}.
 */
public record BankVersion(
        long version,
        String buildId,
        String sha256,
        int dimension,
        int queryRows,
        int galleryRows,
        BuildReport buildInfo)
        implements Writeable, ToXContentObject {

    private static final ParseField VERSION = new ParseField("version");
    private static final ParseField BUILD_ID = new ParseField("build_id");
    private static final ParseField SHA256 = new ParseField("sha256");
    private static final ParseField DIMENSION = new ParseField("dimension");
    private static final ParseField QUERY_ROWS = new ParseField("query_rows");
    private static final ParseField GALLERY_ROWS = new ParseField("gallery_rows");
    private static final ParseField BUILD_INFO = new ParseField("build_info");

    private static final ConstructingObjectParser<BankVersion, Void> PARSER = new ConstructingObjectParser<>(
            "bank_version",
            a -> new BankVersion(
                    (long) a[0], (String) a[1], (String) a[2], (int) a[3], (int) a[4], (int) a[5], (BuildReport) a[6]));

    static {
        PARSER.declareLong(constructorArg(), VERSION);
        PARSER.declareString(constructorArg(), BUILD_ID);
        PARSER.declareString(constructorArg(), SHA256);
        PARSER.declareInt(constructorArg(), DIMENSION);
        PARSER.declareInt(constructorArg(), QUERY_ROWS);
        PARSER.declareInt(constructorArg(), GALLERY_ROWS);
        PARSER.declareObject(constructorArg(), (p, c) -> BuildReport.fromXContent(p), BUILD_INFO);
    }

    public BankVersion(StreamInput in) throws IOException {
        this(
                in.readVLong(),
                in.readString(),
                in.readString(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                new BuildReport(in));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(version);
        out.writeString(buildId);
        out.writeString(sha256);
        out.writeVInt(dimension);
        out.writeVInt(queryRows);
        out.writeVInt(galleryRows);
        buildInfo.writeTo(out);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        b.startObject()
                .field(VERSION.getPreferredName(), version)
                .field(BUILD_ID.getPreferredName(), buildId)
                .field(SHA256.getPreferredName(), sha256)
                .field(DIMENSION.getPreferredName(), dimension)
                .field(QUERY_ROWS.getPreferredName(), queryRows)
                .field(GALLERY_ROWS.getPreferredName(), galleryRows)
                .field(BUILD_INFO.getPreferredName());
        buildInfo.toXContent(b, params);
        return b.endObject();
    }

    public static BankVersion fromXContent(XContentParser parser) {
        return PARSER.apply(parser, null);
    }
}

package org.opensearch.hubness.bank.state;

import static org.opensearch.core.xcontent.ConstructingObjectParser.constructorArg;
import static org.opensearch.core.xcontent.ConstructingObjectParser.optionalConstructorArg;

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
 * The build that runs now: the version it will publish, its unique id (which names its blobs and which the cluster
 * manager checks before publishing, so a build that a DELETE or a newer build overtook can never publish), and the
 * node it runs on, with that node's ephemeral id (the cluster manager fails the build when that node leaves; a node that
 * restarted has a new ephemeral id, so its lost build is failed too).
 */
public record BuildTicket(
        long version, String buildId, String nodeId, String nodeEphemeralId, long startedMillis, BuildTrigger trigger)
        implements Writeable, ToXContentObject {

    private static final ParseField VERSION = new ParseField("version");
    private static final ParseField BUILD_ID = new ParseField("build_id");
    private static final ParseField NODE = new ParseField("node");
    private static final ParseField NODE_EPHEMERAL_ID = new ParseField("node_ephemeral_id");
    private static final ParseField STARTED = new ParseField("started");
    private static final ParseField TRIGGER = new ParseField("trigger");

    private static final ConstructingObjectParser<BuildTicket, Void> PARSER = new ConstructingObjectParser<>(
            "build_ticket",
            a -> new BuildTicket(
                    (long) a[0],
                    (String) a[1],
                    (String) a[2],
                    (String) a[3],
                    (long) a[4],
                    // a ticket stored before triggers were recorded: a running build is a PUT's or a _rebuild's
                    a[5] == null ? BuildTrigger.REBUILD : BuildTrigger.fromString((String) a[5])));

    static {
        PARSER.declareLong(constructorArg(), VERSION);
        PARSER.declareString(constructorArg(), BUILD_ID);
        PARSER.declareString(constructorArg(), NODE);
        PARSER.declareString(constructorArg(), NODE_EPHEMERAL_ID);
        PARSER.declareLong(constructorArg(), STARTED);
        PARSER.declareString(optionalConstructorArg(), TRIGGER);
    }

    public BuildTicket(StreamInput in) throws IOException {
        this(
                in.readVLong(),
                in.readString(),
                in.readString(),
                in.readString(),
                in.readLong(),
                in.readEnum(BuildTrigger.class));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(version);
        out.writeString(buildId);
        out.writeString(nodeId);
        out.writeString(nodeEphemeralId);
        out.writeLong(startedMillis);
        out.writeEnum(trigger);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        return b.startObject()
                .field(VERSION.getPreferredName(), version)
                .field(BUILD_ID.getPreferredName(), buildId)
                .field(NODE.getPreferredName(), nodeId)
                .field(NODE_EPHEMERAL_ID.getPreferredName(), nodeEphemeralId)
                .field(STARTED.getPreferredName(), startedMillis)
                .field(TRIGGER.getPreferredName(), trigger.externalName())
                .endObject();
    }

    public static BuildTicket fromXContent(XContentParser parser) {
        return PARSER.apply(parser, null);
    }
}

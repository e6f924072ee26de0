package org.opensearch.hubness.bank.state;

import static org.opensearch.core.xcontent.ConstructingObjectParser.constructorArg;

import java.io.IOException;
import org.opensearch.ExceptionsHelper;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ConstructingObjectParser;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

/** Why the latest build of a bank failed, for GET: the root cause's type and message, not a wrapper's. */
public record BankFailure(long version, String type, String reason, long atMillis)
        implements Writeable, ToXContentObject {

    private static final ParseField VERSION = new ParseField("version");
    private static final ParseField TYPE = new ParseField("type");
    private static final ParseField REASON = new ParseField("reason");
    private static final ParseField AT = new ParseField("at");

    private static final ConstructingObjectParser<BankFailure, Void> PARSER = new ConstructingObjectParser<>(
            "bank_failure", a -> new BankFailure((long) a[0], (String) a[1], (String) a[2], (long) a[3]));

    static {
        PARSER.declareLong(constructorArg(), VERSION);
        PARSER.declareString(constructorArg(), TYPE);
        PARSER.declareString(constructorArg(), REASON);
        PARSER.declareLong(constructorArg(), AT);
    }

    /** The failure as its root cause tells it (a remote or wrapped exception is unwrapped to what went wrong). */
    public static BankFailure of(long version, Exception e, long now) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        return new BankFailure(version, cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()), now);
    }

    public BankFailure(StreamInput in) throws IOException {
        this(in.readVLong(), in.readString(), in.readString(), in.readLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(version);
        out.writeString(type);
        out.writeString(reason);
        out.writeLong(atMillis);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        return b.startObject()
                .field(VERSION.getPreferredName(), version)
                .field(TYPE.getPreferredName(), type)
                .field(REASON.getPreferredName(), reason)
                .field(AT.getPreferredName(), atMillis)
                .endObject();
    }

    public static BankFailure fromXContent(XContentParser parser) {
        return PARSER.apply(parser, null);
    }
}

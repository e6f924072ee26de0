package org.opensearch.hubness.bank.state;

import static org.opensearch.core.xcontent.ConstructingObjectParser.constructorArg;
import static org.opensearch.core.xcontent.ConstructingObjectParser.optionalConstructorArg;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ConstructingObjectParser;
import org.opensearch.core.xcontent.ToXContent.Params;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.bank.BankDefinition;

/**
 * One bank as the cluster state holds it: its definition (posted vectors are referenced, never inline), the
 * state of its latest build, the serving version and the one before it, the running build and the last failure.
 * {@code lastVersion} is the highest version number ever issued, so numbers never repeat while the bank exists.
 */
public record BankRecord(
        String name,
        BankDefinition definition,
        BankState state,
        BankVersion serving,
        BankVersion previous,
        BuildTicket build,
        BankFailure failure,
        long lastVersion,
        PolicyCheck policyCheck)
        implements Writeable {

    private static final ParseField DEFINITION = new ParseField("definition");
    private static final ParseField STATE = new ParseField("state");
    private static final ParseField SERVING = new ParseField("serving");
    private static final ParseField PREVIOUS = new ParseField("previous");
    private static final ParseField BUILD = new ParseField("build");
    private static final ParseField FAILURE = new ParseField("failure");
    private static final ParseField LAST_VERSION = new ParseField("last_version");
    private static final ParseField POLICY_CHECK = new ParseField("policy_check");

    /** Reads what {@link #toXContent} wrote under the bank's name; the name is the parser's context. */
    private static final ConstructingObjectParser<BankRecord, String> PARSER = new ConstructingObjectParser<>(
            "bank",
            false,
            (a, name) -> new BankRecord(
                    name,
                    (BankDefinition) a[0],
                    BankState.fromString((String) a[1]),
                    (BankVersion) a[2],
                    (BankVersion) a[3],
                    (BuildTicket) a[4],
                    (BankFailure) a[5],
                    (long) a[6],
                    (PolicyCheck) a[7]));

    static {
        PARSER.declareObject(constructorArg(), BankDefinition::fromXContent, DEFINITION);
        PARSER.declareString(constructorArg(), STATE);
        PARSER.declareObject(optionalConstructorArg(), (p, c) -> BankVersion.fromXContent(p), SERVING);
        PARSER.declareObject(optionalConstructorArg(), (p, c) -> BankVersion.fromXContent(p), PREVIOUS);
        PARSER.declareObject(optionalConstructorArg(), (p, c) -> BuildTicket.fromXContent(p), BUILD);
        PARSER.declareObject(optionalConstructorArg(), (p, c) -> BankFailure.fromXContent(p), FAILURE);
        PARSER.declareLong(constructorArg(), LAST_VERSION);
        PARSER.declareObject(optionalConstructorArg(), (p, c) -> PolicyCheck.fromXContent(p), POLICY_CHECK);
    }

    public BankRecord(StreamInput in) throws IOException {
        this(
                in.readString(),
                new BankDefinition(in),
                BankState.readFrom(in),
                in.readOptionalWriteable(BankVersion::new),
                in.readOptionalWriteable(BankVersion::new),
                in.readOptionalWriteable(BuildTicket::new),
                in.readOptionalWriteable(BankFailure::new),
                in.readVLong(),
                in.readOptionalWriteable(PolicyCheck::new));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(name);
        definition.writeTo(out);
        state.writeTo(out);
        out.writeOptionalWriteable(serving);
        out.writeOptionalWriteable(previous);
        out.writeOptionalWriteable(build);
        out.writeOptionalWriteable(failure);
        out.writeVLong(lastVersion);
        out.writeOptionalWriteable(policyCheck);
    }

    /** The version with this number, if it is the serving one or the one before it. */
    public BankVersion version(long v) {
        if (serving != null && serving.version() == v) return serving;
        if (previous != null && previous.version() == v) return previous;
        return null;
    }

    /** The build ids whose blobs this bank still needs: its two versions and its running build. */
    public Set<String> liveBuildIds() {
        Set<String> out = new LinkedHashSet<>();
        if (serving != null) out.add(serving.buildId());
        if (previous != null) out.add(previous.buildId());
        if (build != null) out.add(build.buildId());
        return out;
    }

    public BankRecord withBuild(BuildTicket ticket) {
        return new BankRecord(
                name, definition, BankState.BUILDING, serving, previous, ticket, null, ticket.version(), policyCheck);
    }

    public BankRecord published(BankVersion v) {
        return new BankRecord(name, definition, BankState.READY, v, serving, null, null, lastVersion, policyCheck);
    }

    public BankRecord failed(BankFailure f) {
        return new BankRecord(name, definition, BankState.FAILED, serving, previous, null, f, lastVersion, policyCheck);
    }

    public BankRecord checked(PolicyCheck check) {
        return new BankRecord(name, definition, state, serving, previous, build, failure, lastVersion, check);
    }

    /** Writes the bank as a field named after it; {@link #fromXContent} reads it back. */
    void toXContent(XContentBuilder b, Params params) throws IOException {
        b.startObject(name);
        b.field(DEFINITION.getPreferredName());
        definition.toXContent(b, params);
        b.field(STATE.getPreferredName(), state.externalName());
        optional(b, SERVING, serving, params);
        optional(b, PREVIOUS, previous, params);
        optional(b, BUILD, build, params);
        optional(b, FAILURE, failure, params);
        b.field(LAST_VERSION.getPreferredName(), lastVersion);
        optional(b, POLICY_CHECK, policyCheck, params);
        b.endObject();
    }

    private static void optional(XContentBuilder b, ParseField f, ToXContentObject value, Params params)
            throws IOException {
        if (value == null) return;
        b.field(f.getPreferredName());
        value.toXContent(b, params);
    }

    /** The parser is on the bank's object, after its name. */
    static BankRecord fromXContent(XContentParser parser, String name) {
        return PARSER.apply(parser, name);
    }
}

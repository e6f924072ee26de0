package org.opensearch.hubness.bank.state;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * One bank as the cluster state holds it: its definition (JSON; posted vectors are referenced, never inline), the
 * state of its latest build, the serving version and the one before it, the running build and the last failure.
 * {@code lastVersion} is the highest version number ever issued, so numbers never repeat while the bank exists.
 */
public record BankRecord(
        String name,
        String definitionJson,
        BankState state,
        BankVersion serving,
        BankVersion previous,
        BuildTicket build,
        BankFailure failure,
        long lastVersion)
        implements Writeable {

    public BankRecord(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readString(),
                BankState.readFrom(in),
                in.readOptionalWriteable(BankVersion::new),
                in.readOptionalWriteable(BankVersion::new),
                in.readOptionalWriteable(BuildTicket::new),
                in.readOptionalWriteable(BankFailure::new),
                in.readVLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(name);
        out.writeString(definitionJson);
        state.writeTo(out);
        out.writeOptionalWriteable(serving);
        out.writeOptionalWriteable(previous);
        out.writeOptionalWriteable(build);
        out.writeOptionalWriteable(failure);
        out.writeVLong(lastVersion);
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
                name, definitionJson, BankState.BUILDING, serving, previous, ticket, null, ticket.version());
    }

    public BankRecord published(BankVersion v) {
        return new BankRecord(name, definitionJson, BankState.READY, v, serving, null, null, lastVersion);
    }

    public BankRecord failed(BankFailure f) {
        return new BankRecord(name, definitionJson, BankState.FAILED, serving, previous, null, f, lastVersion);
    }

    void toXContent(XContentBuilder b) throws IOException {
        b.startObject(name);
        b.field("definition", definitionJson);
        b.field("state", state.externalName());
        if (serving != null) {
            b.field("serving");
            serving.toXContent(b);
        }
        if (previous != null) {
            b.field("previous");
            previous.toXContent(b);
        }
        if (build != null) {
            b.field("build");
            build.toXContent(b);
        }
        if (failure != null) {
            b.field("failure");
            failure.toXContent(b);
        }
        b.field("last_version", lastVersion);
        b.endObject();
    }

    @SuppressWarnings("unchecked")
    static BankRecord fromMap(String name, Map<String, Object> m) {
        return new BankRecord(
                name,
                (String) m.get("definition"),
                BankState.fromString((String) m.get("state")),
                BankVersion.fromMap((Map<String, Object>) m.get("serving")),
                BankVersion.fromMap((Map<String, Object>) m.get("previous")),
                BuildTicket.fromMap((Map<String, Object>) m.get("build")),
                BankFailure.fromMap((Map<String, Object>) m.get("failure")),
                ((Number) m.get("last_version")).longValue());
    }
}

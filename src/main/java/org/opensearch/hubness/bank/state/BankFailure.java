package org.opensearch.hubness.bank.state;

import java.io.IOException;
import java.util.Map;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/** Why the latest build of a bank failed, for GET. */
public record BankFailure(long version, String type, String reason, long atMillis) implements Writeable {

    public static BankFailure of(long version, Exception e, long now) {
        return new BankFailure(version, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), now);
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

    public void toXContent(XContentBuilder b) throws IOException {
        b.startObject()
                .field("version", version)
                .field("type", type)
                .field("reason", reason)
                .field("at", atMillis)
                .endObject();
    }

    static BankFailure fromMap(Map<String, Object> m) {
        if (m == null) return null;
        return new BankFailure(
                ((Number) m.get("version")).longValue(),
                (String) m.get("type"),
                (String) m.get("reason"),
                ((Number) m.get("at")).longValue());
    }
}

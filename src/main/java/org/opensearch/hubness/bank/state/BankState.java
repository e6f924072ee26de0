package org.opensearch.hubness.bank.state;

import java.io.IOException;
import java.util.Locale;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;

/** Where a bank's latest build stands; the serving version (if any) serves in every state. */
public enum BankState implements Writeable {
    BUILDING,
    READY,
    FAILED;

    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BankState fromString(String s) {
        for (BankState v : values()) if (v.externalName().equals(s)) return v;
        throw new IllegalArgumentException("unknown bank state [" + s + "]");
    }

    public static BankState readFrom(StreamInput in) throws IOException {
        return in.readEnum(BankState.class);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeEnum(this);
    }
}

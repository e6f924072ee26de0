/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.List;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.BankHubs;

/** The answer of {@code _hubs} for one bank of the serving version: its k, N_k skewness and the first hubs asked for. */
public record HubsView(String role, int k, long documents, double skewness, List<BankHubs.Hub> hubs)
        implements Writeable {

    /** The first {@code size} stored hubs of a bank. */
    public static HubsView of(String role, BankHubs h, int size) {
        return new HubsView(
                role,
                h.k(),
                h.documents(),
                h.skewness(),
                h.hubs().subList(0, Math.min(size, h.hubs().size())));
    }

    public HubsView(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readVInt(),
                in.readVLong(),
                in.readDouble(),
                in.readList(i -> new BankHubs.Hub(i.readString(), i.readVInt())));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(role);
        out.writeVInt(k);
        out.writeVLong(documents);
        out.writeDouble(skewness);
        out.writeCollection(hubs, (o, h) -> {
            o.writeString(h.id());
            o.writeVInt(h.count());
        });
    }

    void toXContent(XContentBuilder b) throws IOException {
        b.startObject(role)
                .field("k", k)
                .field("gallery_documents", documents)
                .field("skewness", Double.isNaN(skewness) ? null : skewness)
                .startArray("hubs");
        for (BankHubs.Hub h : hubs)
            b.startObject().field("_id", h.id()).field("count", h.count()).endObject();
        b.endArray().endObject();
    }
}

package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankRecord;

/**
 * One bank (GET, and the answer of PUT and _rebuild) or the list of banks, carried as the typed cluster-state
 * records plus each node's view (which version it serves, or which it refused and why); rendered as JSON only here.
 */
public final class BankResponse extends ActionResponse implements ToXContentObject {

    private final List<BankRecord> banks;
    private final boolean single;
    private final List<NodeView> nodes;

    public static BankResponse one(BankRecord bank, List<NodeView> nodes) {
        return new BankResponse(List.of(bank), true, nodes, null);
    }

    public static BankResponse list(List<BankRecord> banks) {
        return new BankResponse(banks, false, List.of(), null);
    }

    /** A background build's task result: the bank's name and where its outcome is read, nothing of the bank. */
    public static BankResponse pointer(String bank) {
        return new BankResponse(List.of(), true, List.of(), bank);
    }

    static String outcomeRoute(String bank) {
        return "GET /_plugins/_hubness/banks/" + bank;
    }

    /** Set only for {@link #pointer}. */
    private final String pointerTo;

    private BankResponse(List<BankRecord> banks, boolean single, List<NodeView> nodes, String pointerTo) {
        this.banks = banks;
        this.single = single;
        this.nodes = nodes;
        this.pointerTo = pointerTo;
    }

    public BankResponse(StreamInput in) throws IOException {
        super(in);
        banks = in.readList(BankRecord::new);
        single = in.readBoolean();
        nodes = in.readList(NodeView::new);
        pointerTo = in.readOptionalString();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeList(banks);
        out.writeBoolean(single);
        out.writeList(nodes);
        out.writeOptionalString(pointerTo);
    }

    public BankRecord bank() {
        return banks.get(0);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        if (pointerTo != null) {
            return b.startObject()
                    .field("bank", pointerTo)
                    .field("outcome", outcomeRoute(pointerTo))
                    .endObject();
        }
        if (!single) {
            b.startObject().startArray("banks");
            for (BankRecord r : banks) {
                BankDefinition def = r.definition();
                b.startObject()
                        .field("name", r.name())
                        .field("state", r.state().externalName())
                        .field(
                                "version",
                                r.serving() == null ? null : r.serving().version())
                        .field("gallery", Map.of("index", def.galleryIndex(), "field", def.galleryField()))
                        .endObject();
            }
            return b.endArray().endObject();
        }
        BankRecord r = bank();
        b.startObject().field("name", r.name()).field("state", r.state().externalName());
        b.field("version", r.serving() == null ? null : r.serving().version());
        if (r.previous() != null) b.field("previous_version", r.previous().version());
        if (r.build() != null)
            b.field("building_version", r.build().version())
                    .field("build_node", r.build().nodeId());
        if (r.failure() != null) {
            b.field("failure");
            r.failure().toXContent(b, params);
        }
        b.field("definition", r.definition().describe());
        if (r.serving() != null) {
            b.field("build");
            r.serving().buildInfo().toXContent(b, params);
            // no digest: a hash of the bank's vectors would let a viewer confirm a guessed vector offline
        }
        if (!nodes.isEmpty()) {
            b.startObject("nodes");
            for (NodeView n : nodes) n.toXContent(b);
            b.endObject();
        }
        return b.endObject();
    }
}

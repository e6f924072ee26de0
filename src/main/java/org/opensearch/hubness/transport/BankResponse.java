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
    /** GET's drift counts: the gallery and each index bank source (empty for PUT and _rebuild answers). */
    private final List<SourceCounts> sources;
    /** Set only for {@link #hubs}: the serving version's hubs per bank. */
    private final List<HubsView> hubs;

    public static BankResponse one(BankRecord bank, List<NodeView> nodes) {
        return one(bank, nodes, List.of());
    }

    public static BankResponse one(BankRecord bank, List<NodeView> nodes, List<SourceCounts> sources) {
        return new BankResponse(List.of(bank), true, nodes, null, sources, null);
    }

    public static BankResponse list(List<BankRecord> banks) {
        return new BankResponse(banks, false, List.of(), null, List.of(), null);
    }

    /** A background build's task result: the bank's name and where its outcome is read, nothing of the bank. */
    public static BankResponse pointer(String bank) {
        return new BankResponse(List.of(), true, List.of(), bank, List.of(), null);
    }

    /** The hubs API's answer: the serving version's hubs of each of its banks. */
    public static BankResponse hubs(BankRecord bank, List<HubsView> hubs) {
        return new BankResponse(List.of(bank), true, List.of(), null, List.of(), hubs);
    }

    static String outcomeRoute(String bank) {
        return "GET /_plugins/_hubness/banks/" + bank;
    }

    /** Set only for {@link #pointer}. */
    private final String pointerTo;

    private BankResponse(
            List<BankRecord> banks,
            boolean single,
            List<NodeView> nodes,
            String pointerTo,
            List<SourceCounts> sources,
            List<HubsView> hubs) {
        this.banks = banks;
        this.single = single;
        this.nodes = nodes;
        this.pointerTo = pointerTo;
        this.sources = sources;
        this.hubs = hubs;
    }

    public BankResponse(StreamInput in) throws IOException {
        super(in);
        banks = in.readList(BankRecord::new);
        single = in.readBoolean();
        nodes = in.readList(NodeView::new);
        pointerTo = in.readOptionalString();
        sources = in.readList(SourceCounts::new);
        hubs = in.readBoolean() ? in.readList(HubsView::new) : null;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeList(banks);
        out.writeBoolean(single);
        out.writeList(nodes);
        out.writeOptionalString(pointerTo);
        out.writeList(sources);
        out.writeBoolean(hubs != null);
        if (hubs != null) out.writeList(hubs);
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
        if (hubs != null) {
            b.startObject().field("name", r.name()).field("version", r.serving().version());
            for (HubsView h : hubs) h.toXContent(b);
            return b.endObject();
        }
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
        for (SourceCounts c : sources) c.toXContent(b);
        if (!nodes.isEmpty()) {
            b.startObject("nodes");
            for (NodeView n : nodes) n.toXContent(b);
            b.endObject();
        }
        return b.endObject();
    }
}

package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opensearch.common.xcontent.StatusToXContentObject;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.build.BuildRunner;
import org.opensearch.hubness.node.NodeView;

/**
 * One bank (GET, and the answer of PUT and _rebuild) or the list of banks, carried as the typed cluster-state
 * records plus each node's view (which version it serves, or which it refused and why); rendered as JSON only here.
 */
public final class BankResponse extends ActionResponse implements StatusToXContentObject {

    private final List<BankRecord> banks;
    private final boolean single;
    private final List<NodeView> nodes;
    /** GET's drift counts: the gallery and each index bank source (empty for PUT and _rebuild answers). */
    private final List<SourceCounts> sources;
    /** Set only for {@link #hubs}: the serving version's hubs per bank. */
    private final List<HubsView> hubs;

    /**
     * Why a build's answer is not {@code 200}: the nodes that do not hold the published version, and the status — the
     * most severe refusal's (429 breaker, 503 blobs) when a node refused it, else 503 (a node still loading it or
     * silent).
     */
    public record NotLoaded(RestStatus status, List<String> nodes, String reason) {}

    public static BankResponse one(BankRecord bank, List<NodeView> nodes) {
        return one(bank, nodes, List.of());
    }

    public static BankResponse one(BankRecord bank, List<NodeView> nodes, List<SourceCounts> sources) {
        return new BankResponse(List.of(bank), true, nodes, null, sources, null, null);
    }

    /**
     * A PUT's or _rebuild's answer, once every node settled on the version it published: {@code 200} only when every
     * node holds the serving version; else the bank as GET shows it plus {@code not_loaded}, with a 429 or 503.
     */
    public static BankResponse published(BankRecord bank, List<NodeView> nodes) {
        return new BankResponse(List.of(bank), true, nodes, null, List.of(), null, notLoaded(bank, nodes));
    }

    public static BankResponse published(BuildRunner.Published published) {
        return published(published.bank(), published.nodes());
    }

    public static BankResponse list(List<BankRecord> banks) {
        return new BankResponse(banks, false, List.of(), null, List.of(), null, null);
    }

    /** A background build's task result: the bank's name and where its outcome is read, nothing of the bank. */
    public static BankResponse pointer(String bank) {
        return new BankResponse(List.of(), true, List.of(), bank, List.of(), null, null);
    }

    /** The hubs API's answer: the serving version's hubs of each of its banks. */
    public static BankResponse hubs(BankRecord bank, List<HubsView> hubs) {
        return new BankResponse(List.of(bank), true, List.of(), null, List.of(), hubs, null);
    }

    static NotLoaded notLoaded(BankRecord bank, List<NodeView> nodes) {
        if (bank.serving() == null) return null;
        long v = bank.serving().version();
        RestStatus refusal = null; // a refusal is the definite answer; a node still loading only a retryable one
        List<String> missing = new ArrayList<>();
        StringBuilder why = new StringBuilder();
        for (NodeView n : nodes) {
            if (n.holds(v)) continue;
            missing.add(n.label());
            if (why.length() > 0) why.append("; ");
            why.append("node [").append(n.label()).append("] ");
            if (n.refuses(v)) {
                RestStatus mine = n.refused().status();
                if (refusal == null || mine.getStatus() > refusal.getStatus()) refusal = mine;
                why.append("refused it: ").append(n.refused().reason());
            } else if (n.unreachable() != null) {
                why.append("did not answer: ").append(n.unreachable());
            } else if (n.retrying() != null && n.retrying().version() == v) {
                why.append("could not read it yet (")
                        .append(n.retrying().attempts())
                        .append(" failed reads, retried automatically): ")
                        .append(n.retrying().reason());
            } else {
                why.append("is still loading it");
            }
        }
        if (missing.isEmpty()) return null;
        return new NotLoaded(
                refusal == null ? RestStatus.SERVICE_UNAVAILABLE : refusal,
                missing,
                "bank [" + bank.name() + "] version " + v + " is published but not served on every node: " + why
                        + "; nodes that hold it serve it, the others answer searches with the reason; "
                        + outcomeRoute(bank.name()) + " shows each node");
    }

    @Override
    public RestStatus status() {
        return notLoaded == null ? RestStatus.OK : notLoaded.status();
    }

    static String outcomeRoute(String bank) {
        return "GET /_plugins/_hubness/banks/" + bank;
    }

    /** Set only for {@link #pointer}. */
    private final String pointerTo;
    /** Set only for {@link #published} when some node does not hold the serving version. */
    private final NotLoaded notLoaded;

    private BankResponse(
            List<BankRecord> banks,
            boolean single,
            List<NodeView> nodes,
            String pointerTo,
            List<SourceCounts> sources,
            List<HubsView> hubs,
            NotLoaded notLoaded) {
        this.banks = banks;
        this.single = single;
        this.nodes = nodes;
        this.pointerTo = pointerTo;
        this.sources = sources;
        this.hubs = hubs;
        this.notLoaded = notLoaded;
    }

    public BankResponse(StreamInput in) throws IOException {
        super(in);
        banks = in.readList(BankRecord::new);
        single = in.readBoolean();
        nodes = in.readList(NodeView::new);
        pointerTo = in.readOptionalString();
        sources = in.readList(SourceCounts::new);
        hubs = in.readBoolean() ? in.readList(HubsView::new) : null;
        notLoaded =
                in.readBoolean() ? new NotLoaded(RestStatus.readFrom(in), in.readStringList(), in.readString()) : null;
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
        out.writeBoolean(notLoaded != null);
        if (notLoaded != null) {
            RestStatus.writeTo(out, notLoaded.status());
            out.writeStringCollection(notLoaded.nodes());
            out.writeString(notLoaded.reason());
        }
    }

    /** Why not every node holds the version this build published, or null. */
    public NotLoaded notLoaded() {
        return notLoaded;
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
                    .field("build_node", r.build().nodeId())
                    .field("building_trigger", r.build().trigger().externalName());
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
        if (r.policyCheck() != null) {
            b.field("rebuild_policy_status");
            r.policyCheck().toXContent(b, params);
        }
        for (SourceCounts c : sources) c.toXContent(b);
        if (!nodes.isEmpty()) {
            b.startObject("nodes");
            for (NodeView n : nodes) n.toXContent(b);
            b.endObject();
        }
        if (notLoaded != null) {
            b.startObject("not_loaded")
                    .field("status", notLoaded.status().getStatus())
                    .field("nodes", notLoaded.nodes())
                    .field("reason", notLoaded.reason())
                    .endObject();
        }
        return b.endObject();
    }
}

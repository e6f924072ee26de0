package org.opensearch.hubness.rescore;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.lucene.util.SetOnce;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.norm.Method;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.rescore.RescoreContext;
import org.opensearch.search.rescore.RescorerBuilder;

/**
 * The {@code hubness} rescorer in the search DSL:
 * <pre>
 * "rescore": {"window_size": 100, "hubness": {"bank": "captions-v1", "query_vector": [...], "method": "dual_dis",
 *     "field": "embedding", "beta_query": 20, "beta_gallery": 3, "score_mode": "replace",
 *     "query_weight": 1, "rescore_query_weight": 1}}
 * </pre>
 * Only {@code bank} and {@code query_vector} are required; {@code method}, {@code field} and β default to the bank's.
 * This class only ties the jobs together: {@link HubnessRescoreParser} reads and writes the DSL, {@link RescoreClause}
 * holds and validates what the user asked for (and its wire format), the coordinating node's {@link #rewrite} pins it
 * ({@link BankPinning}: bank version and its gallery, method, gates) so that every shard of one search uses the same bank version and
 * gates, and shards build their context in {@link ShardRescoreContexts}. A pinned builder rewrites to itself; the
 * pinned state travels on the wire but not in XContent.
 */
public final class HubnessRescorerBuilder extends RescorerBuilder<HubnessRescorerBuilder> {

    public static final String NAME = "hubness";
    /** Every parameter of the clause's DSL. */
    public static final java.util.List<String> PARAMETERS = HubnessRescoreParser.PARAMETERS;

    /**
     * The state decided on the coordinating node. {@code galleryIndex} is the pinned version's gallery: each shard
     * checks its own index against it before anything else (node to node only, never in a response).
     */
    public record Pinned(
            long bankVersion,
            Method method,
            boolean gateQuery,
            boolean gateGallery,
            String top1Id,
            String galleryIndex) {
        /** The {@code bankVersion} of a bank that has none yet and waits for captured query vectors. */
        public static final long WAITING = -1;

        public Pinned {
            Objects.requireNonNull(galleryIndex);
        }

        static Pinned waitingFor(String galleryIndex) {
            return new Pinned(WAITING, Method.NONE, false, false, null, galleryIndex);
        }

        boolean waiting() {
            return bankVersion == WAITING;
        }

        static Pinned readFrom(StreamInput in) throws IOException {
            return new Pinned(
                    in.readLong(),
                    Method.fromString(in.readString()),
                    in.readBoolean(),
                    in.readBoolean(),
                    in.readOptionalString(),
                    in.readString());
        }

        void writeTo(StreamOutput out) throws IOException {
            out.writeLong(bankVersion);
            out.writeString(method.externalName());
            out.writeBoolean(gateQuery);
            out.writeBoolean(gateGallery);
            out.writeOptionalString(top1Id);
            out.writeString(galleryIndex);
        }
    }

    private final HubnessServices services;
    private final RescoreClause clause;
    private Pinned pinned;
    private transient Supplier<Pinned> pending;

    public HubnessRescorerBuilder(HubnessServices services, RescoreClause clause) {
        this.services = services;
        this.clause = Objects.requireNonNull(clause);
    }

    /** A clause with only the required parameters. */
    public HubnessRescorerBuilder(HubnessServices services, String bank, float[] queryVector) {
        this(services, new RescoreClause(bank, queryVector));
    }

    public HubnessRescorerBuilder(StreamInput in, HubnessServices services) throws IOException {
        super(in);
        this.services = services;
        clause = RescoreClause.readFrom(in);
        pinned = in.readBoolean() ? Pinned.readFrom(in) : null;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        clause.writeTo(out);
        out.writeBoolean(pinned != null);
        if (pinned != null) pinned.writeTo(out);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    /** Parses the body of {@code "hubness": {...}}; the parser is on its START_OBJECT. */
    public static HubnessRescorerBuilder fromXContent(XContentParser parser, HubnessServices services)
            throws IOException {
        return HubnessRescoreParser.parse(parser, services);
    }

    @Override
    protected void doXContent(XContentBuilder builder, ToXContent.Params params) throws IOException {
        HubnessRescoreParser.toXContent(clause, builder);
    }

    public RescoreClause clause() {
        return clause;
    }

    public Pinned pinned() {
        return pinned;
    }

    /** For tests and for the coordinator: a copy with the pinned state set. */
    public HubnessRescorerBuilder pin(Pinned p) {
        return copyWith(Objects.requireNonNull(p));
    }

    private HubnessRescorerBuilder copyWith(Pinned p) {
        HubnessRescorerBuilder c = new HubnessRescorerBuilder(services, clause);
        c.pinned = p;
        return windowSize == null ? c : c.windowSize(windowSize);
    }

    @Override
    public HubnessRescorerBuilder rewrite(QueryRewriteContext ctx) throws IOException {
        ShardRescoreContexts.requireWindow(windowSize); // before any top-1 search
        if (pinned != null) return this;
        if (pending != null) return pending.get() == null ? this : pin(pending.get());
        if (ctx.convertToShardContext() != null) return this; // never pin on a shard: innerBuildContext reports it
        String waitingGallery = services.waitingGallery(clause.bank()); // before current(), which refuses it
        if (waitingGallery != null) {
            offerToCapture();
            return pin(Pinned.waitingFor(waitingGallery));
        }
        Pinned now = BankPinning.pinWithoutSearch(services.banks(), clause); // ungated: no async round of rewrites
        if (now != null) {
            offerToCapture();
            return pin(now);
        }
        SetOnce<Pinned> holder = new SetOnce<>();
        ctx.registerAsyncAction((client, listener) -> BankPinning.resolve(
                services,
                client,
                clause,
                ActionListener.wrap(
                        p -> {
                            holder.set(p);
                            offerToCapture();
                            listener.onResponse(null);
                        },
                        listener::onFailure)));
        HubnessRescorerBuilder waiting = copyWith(null);
        waiting.pending = holder::get;
        return waiting;
    }

    /**
     * Pinning happens once per search request, on its coordinating node, whichever path added the clause (explicit,
     * a search pipeline, {@code ext.hubness}, each line of an {@code _msearch}): the one place that offers the query
     * vector to capture. Costs a cluster-state lookup, a random draw and, when sampled, an array copy.
     */
    private void offerToCapture() {
        services.captureQuery(clause.bank(), clause.queryVector());
    }

    @Override
    protected RescoreContext innerBuildContext(int windowSize, QueryShardContext context) {
        return ShardRescoreContexts.build(clause, pinned, services, windowSize, context);
    }

    @Override
    public boolean equals(Object o) { // pinned state included, transient state not
        return super.equals(o)
                && clause.equals(((HubnessRescorerBuilder) o).clause)
                && Objects.equals(pinned, ((HubnessRescorerBuilder) o).pinned);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), clause, pinned);
    }
}

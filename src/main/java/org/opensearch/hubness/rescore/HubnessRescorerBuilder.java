package org.opensearch.hubness.rescore;

import static org.opensearch.hubness.rescore.HubnessRescoreParser.*;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.lucene.util.SetOnce;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.HubnessServices;
import org.opensearch.hubness.kernel.FiniteCheck;
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
 * {@link HubnessRescoreParser} parses it; the coordinating node's {@link #rewrite} pins it ({@link BankPinning}: bank
 * version, method, gates) so that every shard of one search uses the same bank version and gates; a pinned builder
 * rewrites to itself, and the pinned state travels on the wire but not in XContent. Shards build their context in
 * {@link ShardRescoreContexts}.
 */
public final class HubnessRescorerBuilder extends RescorerBuilder<HubnessRescorerBuilder> {

    public static final String NAME = "hubness";

    /** The state decided on the coordinating node. */
    public record Pinned(long bankVersion, Method method, boolean gateQuery, boolean gateGallery, String top1Id) {
        static Pinned readFrom(StreamInput in) throws IOException {
            return new Pinned(
                    in.readLong(),
                    Method.fromString(in.readString()),
                    in.readBoolean(),
                    in.readBoolean(),
                    in.readOptionalString());
        }

        void writeTo(StreamOutput out) throws IOException {
            out.writeLong(bankVersion);
            out.writeString(method.externalName());
            out.writeBoolean(gateQuery);
            out.writeBoolean(gateGallery);
            out.writeOptionalString(top1Id);
        }
    }

    private final HubnessServices services;
    private final String bank;
    private final float[] queryVector;
    private Method method;
    private String field;
    private Double betaQuery, betaGallery;
    private ScoreMode scoreMode = ScoreMode.REPLACE;
    private float queryWeight = 1f, rescoreQueryWeight = 1f;
    private Pinned pinned;
    private transient Supplier<Pinned> pending;

    public HubnessRescorerBuilder(HubnessServices services, String bank, float[] queryVector) {
        this.services = services;
        if (bank == null || bank.isEmpty()) {
            throw new IllegalArgumentException(
                    "[hubness] requires [bank]: the name of a bank; " + BankPinning.CREATE_HINT);
        }
        if (queryVector == null || queryVector.length == 0) {
            throw new IllegalArgumentException(
                    "[hubness] requires [query_vector]: the same vector as the knn query, as an array of numbers");
        }
        FiniteCheck.requireFinite(queryVector, "[query_vector]");
        this.bank = bank;
        this.queryVector = queryVector;
    }

    public HubnessRescorerBuilder(StreamInput in, HubnessServices services) throws IOException {
        super(in);
        this.services = services;
        bank = in.readString();
        queryVector = in.readFloatArray();
        String m = in.readOptionalString();
        method = m == null ? null : Method.fromString(m);
        field = in.readOptionalString();
        betaQuery = in.readOptionalDouble();
        betaGallery = in.readOptionalDouble();
        scoreMode = ScoreMode.fromString(in.readString());
        queryWeight = in.readFloat();
        rescoreQueryWeight = in.readFloat();
        pinned = in.readBoolean() ? Pinned.readFrom(in) : null;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(bank);
        out.writeFloatArray(queryVector);
        out.writeOptionalString(method == null ? null : method.externalName());
        out.writeOptionalString(field);
        out.writeOptionalDouble(betaQuery);
        out.writeOptionalDouble(betaGallery);
        out.writeString(scoreMode.externalName());
        out.writeFloat(queryWeight);
        out.writeFloat(rescoreQueryWeight);
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

    // setters validate as the parser does (the parser calls them)
    public HubnessRescorerBuilder method(Method method) {
        this.method = method;
        return this;
    }

    public HubnessRescorerBuilder field(String field) {
        this.field = field;
        return this;
    }

    public HubnessRescorerBuilder betaQuery(Double beta) {
        this.betaQuery = HubnessRescoreParser.checkBeta(beta, "beta_query");
        return this;
    }

    public HubnessRescorerBuilder betaGallery(Double beta) {
        this.betaGallery = HubnessRescoreParser.checkBeta(beta, "beta_gallery");
        return this;
    }

    public HubnessRescorerBuilder scoreMode(ScoreMode mode) {
        this.scoreMode = Objects.requireNonNull(mode);
        return this;
    }

    public HubnessRescorerBuilder queryWeight(float w) {
        this.queryWeight = HubnessRescoreParser.checkWeight(w, "query_weight");
        return this;
    }

    public HubnessRescorerBuilder rescoreQueryWeight(float w) {
        this.rescoreQueryWeight = HubnessRescoreParser.checkWeight(w, "rescore_query_weight");
        return this;
    }

    public String bank() {
        return bank;
    }

    public float[] queryVector() {
        return queryVector;
    }

    public Method method() {
        return method;
    }

    public String field() {
        return field;
    }

    public Double betaQuery() {
        return betaQuery;
    }

    public Double betaGallery() {
        return betaGallery;
    }

    public ScoreMode scoreMode() {
        return scoreMode;
    }

    public float queryWeight() {
        return queryWeight;
    }

    public float rescoreQueryWeight() {
        return rescoreQueryWeight;
    }

    public Pinned pinned() {
        return pinned;
    }

    /** For tests and for the coordinator: a copy with the pinned state set. */
    public HubnessRescorerBuilder pin(Pinned p) {
        return copyWith(Objects.requireNonNull(p));
    }

    private HubnessRescorerBuilder copyWith(Pinned p) {
        HubnessRescorerBuilder c = new HubnessRescorerBuilder(services, bank, queryVector)
                .method(method)
                .field(field)
                .betaQuery(betaQuery)
                .betaGallery(betaGallery)
                .scoreMode(scoreMode)
                .queryWeight(queryWeight)
                .rescoreQueryWeight(rescoreQueryWeight);
        c.pinned = p;
        return windowSize == null ? c : c.windowSize(windowSize);
    }

    @Override
    protected void doXContent(XContentBuilder builder, ToXContent.Params params) throws IOException {
        builder.startObject(NAME)
                .field(BANK.getPreferredName(), bank)
                .array(QUERY_VECTOR.getPreferredName(), queryVector);
        if (method != null) builder.field(METHOD.getPreferredName(), method.externalName());
        if (field != null) builder.field(FIELD.getPreferredName(), field);
        if (betaQuery != null) builder.field(BETA_QUERY.getPreferredName(), betaQuery);
        if (betaGallery != null) builder.field(BETA_GALLERY.getPreferredName(), betaGallery);
        builder.field(SCORE_MODE.getPreferredName(), scoreMode.externalName())
                .field(QUERY_WEIGHT.getPreferredName(), queryWeight)
                .field(RESCORE_QUERY_WEIGHT.getPreferredName(), rescoreQueryWeight)
                .endObject();
    }

    @Override
    public HubnessRescorerBuilder rewrite(QueryRewriteContext ctx) throws IOException {
        if (pinned != null) return this;
        if (pending != null) return pending.get() == null ? this : pin(pending.get());
        if (ctx.convertToShardContext() != null) return this; // never pin on a shard: innerBuildContext reports it
        Pinned now = BankPinning.pinWithoutSearch(services.banks(), this); // ungated: no async round of rewrites
        if (now != null) return pin(now);
        SetOnce<Pinned> holder = new SetOnce<>();
        ctx.registerAsyncAction((client, listener) -> BankPinning.resolve(
                services.banks(),
                client,
                this,
                ActionListener.wrap(
                        p -> {
                            holder.set(p);
                            listener.onResponse(null);
                        },
                        listener::onFailure)));
        HubnessRescorerBuilder waiting = copyWith(null);
        waiting.pending = holder::get;
        return waiting;
    }

    @Override
    protected RescoreContext innerBuildContext(int windowSize, QueryShardContext context) {
        return ShardRescoreContexts.build(this, services, windowSize, context);
    }

    @Override
    public boolean equals(Object o) { // pinned state included, transient state not
        if (!super.equals(o)) return false;
        HubnessRescorerBuilder other = (HubnessRescorerBuilder) o;
        return bank.equals(other.bank)
                && Arrays.equals(queryVector, other.queryVector)
                && method == other.method
                && Objects.equals(field, other.field)
                && Objects.equals(betaQuery, other.betaQuery)
                && Objects.equals(betaGallery, other.betaGallery)
                && scoreMode == other.scoreMode
                && Float.compare(queryWeight, other.queryWeight) == 0
                && Float.compare(rescoreQueryWeight, other.rescoreQueryWeight) == 0
                && Objects.equals(pinned, other.pinned);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                super.hashCode(),
                bank,
                Arrays.hashCode(queryVector),
                method,
                field,
                betaQuery,
                betaGallery,
                scoreMode,
                queryWeight,
                rescoreQueryWeight,
                pinned);
    }
}

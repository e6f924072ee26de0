package org.opensearch.hubness.rescore;

import org.apache.lucene.util.SetOnce;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.HubnessServices;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.kernel.FiniteCheck;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.security.SecurityRefusal;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.functionscore.ScriptScoreQueryBuilder;
import org.opensearch.script.Script;
import org.opensearch.script.ScriptType;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.rescore.RescoreContext;
import org.opensearch.search.rescore.RescorerBuilder;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code hubness} rescorer in the search DSL:
 * <pre>
 * "rescore": {"window_size": 100, "hubness": {"bank": "captions-v1", "query_vector": [...], "method": "dual_dis",
 *     "field": "embedding", "beta_query": 20, "beta_gallery": 3, "score_mode": "replace",
 *     "query_weight": 1, "rescore_query_weight": 1}}
 * </pre>
 * Only {@code bank} and {@code query_vector} are required. {@code method} defaults to the bank's default method,
 * {@code field} to the bank's gallery field, β to the bank's parameters (an override makes the shards compute the
 * window's bank terms on the fly instead of reading the cache).
 *
 * <p>Pinning: a request is resolved once, on the coordinating node, in {@link #rewrite}: an async action takes the
 * bank's current version, validates the request against it and, for the gated methods (dis, dual_dis), runs a size-1
 * exact search of the bank's gallery index (k-NN's {@code knn_score} script) for the query's global top-1 t(q), and
 * sets the gates γq = [t(q) ∈ Aq], γg = [t(q) ∈ Ag]. The rewritten builder is "pinned": it carries the bank version,
 * the resolved method, the gates and t(q) over the wire, so every shard of the request uses the same bank version and
 * the same gates, whatever the number of shards. A pinned builder rewrites to itself. The pinned state is not part of
 * the XContent form (users cannot set gates).
 */
public final class HubnessRescorerBuilder extends RescorerBuilder<HubnessRescorerBuilder> {

    public static final String NAME = "hubness";

    static final ParseField BANK = new ParseField("bank");
    static final ParseField QUERY_VECTOR = new ParseField("query_vector");
    static final ParseField METHOD = new ParseField("method");
    static final ParseField FIELD = new ParseField("field");
    static final ParseField BETA_QUERY = new ParseField("beta_query");
    static final ParseField BETA_GALLERY = new ParseField("beta_gallery");
    static final ParseField SCORE_MODE = new ParseField("score_mode");
    static final ParseField QUERY_WEIGHT = new ParseField("query_weight");
    static final ParseField RESCORE_QUERY_WEIGHT = new ParseField("rescore_query_weight");
    static final List<String> PARAMETERS = List.of(BANK.getPreferredName(), QUERY_VECTOR.getPreferredName(),
        METHOD.getPreferredName(), FIELD.getPreferredName(), BETA_QUERY.getPreferredName(), BETA_GALLERY.getPreferredName(),
        SCORE_MODE.getPreferredName(), QUERY_WEIGHT.getPreferredName(), RESCORE_QUERY_WEIGHT.getPreferredName());

    static final String CREATE_HINT = "create it with PUT /_plugins/_hubness/banks/{name} (and build it) first";

    /** The state decided on the coordinating node. */
    public record Pinned(long bankVersion, Method method, boolean gateQuery, boolean gateGallery, String top1Id) {}

    private final HubnessServices services;
    private final String bank;
    private final float[] queryVector;
    private Method method;
    private String field;
    private Double betaQuery;
    private Double betaGallery;
    private ScoreMode scoreMode = ScoreMode.REPLACE;
    private float queryWeight = 1f;
    private float rescoreQueryWeight = 1f;
    private Pinned pinned;
    private transient Supplier<Pinned> pending;

    public HubnessRescorerBuilder(HubnessServices services, String bank, float[] queryVector) {
        this.services = services;
        if (bank == null || bank.isEmpty()) {
            throw new IllegalArgumentException("[hubness] requires [bank]: the name of a bank; " + CREATE_HINT);
        }
        if (queryVector == null || queryVector.length == 0) {
            throw new IllegalArgumentException("[hubness] requires [query_vector]: the same vector as the knn query, "
                + "as an array of numbers");
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
        if (in.readBoolean()) {
            pinned = new Pinned(in.readLong(), Method.fromString(in.readString()), in.readBoolean(), in.readBoolean(),
                in.readOptionalString());
        }
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
        if (pinned != null) {
            out.writeLong(pinned.bankVersion());
            out.writeString(pinned.method().externalName());
            out.writeBoolean(pinned.gateQuery());
            out.writeBoolean(pinned.gateGallery());
            out.writeOptionalString(pinned.top1Id());
        }
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    // ---- setters (validate like the parser) ----

    public HubnessRescorerBuilder method(Method method) {
        this.method = method;
        return this;
    }

    public HubnessRescorerBuilder field(String field) {
        this.field = field;
        return this;
    }

    public HubnessRescorerBuilder betaQuery(Double beta) {
        this.betaQuery = checkBeta(beta, BETA_QUERY);
        return this;
    }

    public HubnessRescorerBuilder betaGallery(Double beta) {
        this.betaGallery = checkBeta(beta, BETA_GALLERY);
        return this;
    }

    public HubnessRescorerBuilder scoreMode(ScoreMode mode) {
        this.scoreMode = Objects.requireNonNull(mode);
        return this;
    }

    public HubnessRescorerBuilder queryWeight(float w) {
        this.queryWeight = checkWeight(w, QUERY_WEIGHT);
        return this;
    }

    public HubnessRescorerBuilder rescoreQueryWeight(float w) {
        this.rescoreQueryWeight = checkWeight(w, RESCORE_QUERY_WEIGHT);
        return this;
    }

    /** For tests and for the coordinator: a copy with the pinned state set. */
    public HubnessRescorerBuilder pin(Pinned p) {
        HubnessRescorerBuilder copy = copy();
        copy.pinned = Objects.requireNonNull(p);
        return copy;
    }

    public String bank() { return bank; }
    public float[] queryVector() { return queryVector; }
    public Method method() { return method; }
    public String field() { return field; }
    public Double betaQuery() { return betaQuery; }
    public Double betaGallery() { return betaGallery; }
    public ScoreMode scoreMode() { return scoreMode; }
    public float queryWeight() { return queryWeight; }
    public float rescoreQueryWeight() { return rescoreQueryWeight; }
    public Pinned pinned() { return pinned; }

    private static Double checkBeta(Double beta, ParseField name) {
        if (beta != null && (!Double.isFinite(beta) || beta <= 0 || beta > NormParams.MAX_BETA)) {
            throw new IllegalArgumentException("[" + name.getPreferredName() + "] must be a finite number > 0 and at most " + NormParams.MAX_BETA + ", got " + beta
                + "; leave it out to use the bank's value");
        }
        return beta;
    }

    private static float checkWeight(float w, ParseField name) {
        if (!Float.isFinite(w) || w < 0) {
            throw new IllegalArgumentException("[" + name.getPreferredName() + "] must be a finite number >= 0, got " + w
                + "; negative weights would let rescored hits fall below the rest");
        }
        return w;
    }

    private HubnessRescorerBuilder copy() {
        HubnessRescorerBuilder c = new HubnessRescorerBuilder(services, bank, queryVector);
        c.method = method;
        c.field = field;
        c.betaQuery = betaQuery;
        c.betaGallery = betaGallery;
        c.scoreMode = scoreMode;
        c.queryWeight = queryWeight;
        c.rescoreQueryWeight = rescoreQueryWeight;
        c.pinned = pinned;
        if (windowSize != null) c.windowSize(windowSize);
        return c;
    }

    // ---- XContent ----

    @Override
    protected void doXContent(XContentBuilder builder, ToXContent.Params params) throws IOException {
        builder.startObject(NAME);
        builder.field(BANK.getPreferredName(), bank);
        builder.array(QUERY_VECTOR.getPreferredName(), queryVector);
        if (method != null) builder.field(METHOD.getPreferredName(), method.externalName());
        if (field != null) builder.field(FIELD.getPreferredName(), field);
        if (betaQuery != null) builder.field(BETA_QUERY.getPreferredName(), betaQuery);
        if (betaGallery != null) builder.field(BETA_GALLERY.getPreferredName(), betaGallery);
        builder.field(SCORE_MODE.getPreferredName(), scoreMode.externalName());
        builder.field(QUERY_WEIGHT.getPreferredName(), queryWeight);
        builder.field(RESCORE_QUERY_WEIGHT.getPreferredName(), rescoreQueryWeight);
        builder.endObject();
    }

    /** Parses the body of {@code "hubness": {...}}; the parser is on its START_OBJECT. */
    public static HubnessRescorerBuilder fromXContent(XContentParser parser, HubnessServices services) throws IOException {
        XContentParser.Token token = parser.currentToken();
        if (token != XContentParser.Token.START_OBJECT) {
            throw new ParsingException(parser.getTokenLocation(), "[hubness] must be an object, got " + token);
        }
        String bank = null;
        float[] vector = null;
        Method method = null;
        String field = null;
        Double betaQ = null, betaG = null;
        ScoreMode mode = ScoreMode.REPLACE;
        Float qw = null, rqw = null;
        String current = null;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                current = parser.currentName();
                continue;
            }
            try {
                if (BANK.match(current, parser.getDeprecationHandler())) {
                    bank = stringValue(parser, current);
                } else if (QUERY_VECTOR.match(current, parser.getDeprecationHandler())) {
                    vector = parseVector(parser);
                } else if (METHOD.match(current, parser.getDeprecationHandler())) {
                    method = Method.fromString(stringValue(parser, current));
                } else if (FIELD.match(current, parser.getDeprecationHandler())) {
                    field = stringValue(parser, current);
                } else if (BETA_QUERY.match(current, parser.getDeprecationHandler())) {
                    betaQ = numberValue(parser, current);
                } else if (BETA_GALLERY.match(current, parser.getDeprecationHandler())) {
                    betaG = numberValue(parser, current);
                } else if (SCORE_MODE.match(current, parser.getDeprecationHandler())) {
                    mode = ScoreMode.fromString(stringValue(parser, current));
                } else if (QUERY_WEIGHT.match(current, parser.getDeprecationHandler())) {
                    qw = (float) numberValue(parser, current);
                } else if (RESCORE_QUERY_WEIGHT.match(current, parser.getDeprecationHandler())) {
                    rqw = (float) numberValue(parser, current);
                } else {
                    throw new ParsingException(parser.getTokenLocation(), "[hubness] unknown parameter [" + current
                        + "]; valid parameters are " + PARAMETERS);
                }
            } catch (IllegalArgumentException e) {
                throw new ParsingException(parser.getTokenLocation(), "[hubness] " + e.getMessage(), e);
            }
        }
        try {
            HubnessRescorerBuilder b = new HubnessRescorerBuilder(services, bank, vector);
            b.method(method).field(field).betaQuery(betaQ).betaGallery(betaG).scoreMode(mode);
            if (qw != null) b.queryWeight(qw);
            if (rqw != null) b.rescoreQueryWeight(rqw);
            return b;
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage(), e);
        }
    }

    private static String stringValue(XContentParser parser, String name) throws IOException {
        if (parser.currentToken() != XContentParser.Token.VALUE_STRING) {
            throw new IllegalArgumentException("[" + name + "] must be a string, got " + parser.currentToken());
        }
        return parser.text();
    }

    private static double numberValue(XContentParser parser, String name) throws IOException {
        XContentParser.Token t = parser.currentToken();
        if (t == XContentParser.Token.VALUE_NUMBER) return parser.doubleValue();
        if (t == XContentParser.Token.VALUE_STRING) {
            try {
                return Double.parseDouble(parser.text());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("[" + name + "] must be a number, got [" + parser.text() + "]");
            }
        }
        throw new IllegalArgumentException("[" + name + "] must be a number, got " + t);
    }

    private static float[] parseVector(XContentParser parser) throws IOException {
        if (parser.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new IllegalArgumentException("[query_vector] must be an array of numbers, got " + parser.currentToken());
        }
        List<Float> values = new ArrayList<>();
        XContentParser.Token t;
        while ((t = parser.nextToken()) != XContentParser.Token.END_ARRAY) {
            if (t == XContentParser.Token.VALUE_NUMBER) {
                values.add((float) parser.doubleValue());
            } else if (t == XContentParser.Token.VALUE_STRING) { // "NaN", "Infinity" (rejected below) or a quoted number
                try {
                    values.add(Float.parseFloat(parser.text()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("[query_vector] element " + values.size() + " is not a number: ["
                        + parser.text() + "]");
                }
            } else {
                throw new IllegalArgumentException("[query_vector] must be an array of numbers, found " + t
                    + " at element " + values.size());
            }
        }
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) v[i] = values.get(i);
        FiniteCheck.requireFinite(v, "[query_vector]");
        return v;
    }

    // ---- coordinator: pinning ----

    @Override
    public HubnessRescorerBuilder rewrite(QueryRewriteContext ctx) throws IOException {
        if (pinned != null) return this;
        if (pending != null) {
            Pinned p = pending.get();
            return p == null ? this : pin(p);
        }
        if (ctx.convertToShardContext() != null) {
            return this; // never pin on a shard: innerBuildContext reports the unpinned builder
        }
        // ungated methods need no search: pin at once from this node's registry, without an async round of rewrites
        LoadedBank known = services.banks().current(bank);
        if (known != null) {
            Method m = validateAgainst(known);
            if (!m.isGated()) return pin(new Pinned(known.version(), m, false, false, null));
        }
        SetOnce<Pinned> holder = new SetOnce<>();
        ctx.registerAsyncAction((client, listener) -> resolve(client, ActionListener.wrap(p -> {
            holder.set(p);
            listener.onResponse(null);
        }, listener::onFailure)));
        HubnessRescorerBuilder waiting = copy();
        waiting.pending = holder::get;
        return waiting;
    }

    /** Takes the bank's current version, validates the request against it and decides the gates. */
    void resolve(Client client, ActionListener<Pinned> listener) {
        try {
            LoadedBank b = services.banks().current(bank);
            if (b == null) {
                throw new OpenSearchStatusException("unknown bank [" + bank + "]; " + CREATE_HINT, RestStatus.BAD_REQUEST);
            }
            Method m = validateAgainst(b);
            if (!m.isGated()) {
                listener.onResponse(new Pinned(b.version(), m, false, false, null));
                return;
            }
            client.search(top1Request(b, queryVector), ActionListener.wrap(resp -> {
                SearchHit[] hits = resp.getHits().getHits();
                String top1 = hits.length == 0 ? null : hits[0].getId();
                listener.onResponse(gates(b, m, top1));
            }, e -> listener.onFailure(SecurityRefusal.isRefusal(e) ? e : new OpenSearchStatusException("could not find the query's top-1 in the gallery index ["
                + b.galleryIndex() + "] of bank [" + bank + "] for method [" + m.externalName() + "]: " + e.getMessage()
                + "; use a non-gated method (is, dual_is) if the gallery cannot be searched", RestStatus.BAD_REQUEST, e))));
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    /** The pinned state of a gated method whose global top-1 is {@code top1Id} (null: empty gallery, gates off). */
    static Pinned gates(LoadedBank b, Method m, String top1Id) {
        boolean gq = top1Id != null && b.queryActivation().contains(top1Id);
        boolean gg = top1Id != null && m.needsGalleryBank() && b.galleryActivation().contains(top1Id);
        return new Pinned(b.version(), m, gq, gg, top1Id);
    }

    /** The exact global top-1 of the bank's gallery: a size-1 script_score search with k-NN's exact scoring script. */
    static SearchRequest top1Request(LoadedBank b, float[] query) {
        Map<String, Object> params = new HashMap<>();
        params.put("field", b.galleryField());
        List<Float> q = new ArrayList<>(query.length);
        for (float f : query) q.add(f);
        params.put("query_value", q);
        params.put("space_type", b.similarity() == Similarity.COSINE ? "cosinesimil" : "innerproduct");
        Script script = new Script(ScriptType.INLINE, "knn", "knn_score", params);
        SearchSourceBuilder source = new SearchSourceBuilder().query(new ScriptScoreQueryBuilder(QueryBuilders.matchAllQuery(), script))
            .size(1).fetchSource(false).trackTotalHits(false);
        return new SearchRequest(b.galleryIndex()).source(source);
    }

    /** Checks the request against a bank version; returns the resolved method. */
    Method validateAgainst(LoadedBank b) {
        if (queryVector.length != b.dimension()) {
            throw new IllegalArgumentException("[query_vector] has dimension " + queryVector.length + " but bank [" + bank
                + "] has dimension " + b.dimension() + "; send the query's embedding from the model the bank was built for");
        }
        Method m = method != null ? method : b.defaultMethod();
        String reason = b.unsupportedReason(m);
        if (reason != null) throw new IllegalArgumentException(reason);
        effectiveParams(b); // NormParams validates the overrides
        if (b.similarity() == Similarity.COSINE) {
            double sq = 0;
            for (float f : queryVector) sq += (double) f * f;
            if (sq == 0) throw new IllegalArgumentException("[query_vector] is all zeros; cosine similarity needs a non-zero vector");
        }
        return m;
    }

    NormParams effectiveParams(LoadedBank b) {
        NormParams p = b.params();
        if (betaQuery != null) p = p.withBetaQuery(betaQuery);
        if (betaGallery != null) p = p.withBetaGallery(betaGallery);
        return p;
    }

    // ---- shard ----

    @Override
    protected RescoreContext innerBuildContext(int windowSize, QueryShardContext context) throws IOException {
        if (pinned == null) {
            throw new IllegalStateException("the [hubness] rescorer reached a shard without being resolved (pinned) on the "
                + "coordinating node; it must be sent through the search API, whose rewrite pins the bank version and gates");
        }
        LoadedBank b = services.banks().version(bank, pinned.bankVersion());
        if (b == null) {
            throw new OpenSearchStatusException("bank [" + bank + "] version [" + pinned.bankVersion() + "] is not loaded on "
                + "this node (it was rebuilt or deleted while the search ran); retry the search", RestStatus.SERVICE_UNAVAILABLE);
        }
        if (queryVector.length != b.dimension()) validateAgainst(b);
        String f = field != null ? field : b.galleryField();
        checkField(context, f, b);
        RescoreSpec spec = new RescoreSpec(f, b.similarity().prepare(queryVector), pinned.method(), effectiveParams(b),
            betaQuery != null || betaGallery != null, pinned.gateQuery(), pinned.gateGallery(), pinned.top1Id(), scoreMode,
            queryWeight, rescoreQueryWeight);
        return new HubnessRescoreContext(windowSize, b, services.cache(), services.rescoreStats(), spec);
    }

    private static void checkField(QueryShardContext context, String f, LoadedBank b) throws IOException {
        String index = context.index().getName();
        MappedFieldType ft = context.fieldMapper(f);
        if (ft == null) {
            throw new IllegalArgumentException("[hubness] field [" + f + "] does not exist in index [" + index
                + "]; set [field] to the knn_vector field holding the gallery vectors");
        }
        if (!"knn_vector".equals(ft.typeName())) {
            throw new IllegalArgumentException("[hubness] field [" + f + "] in index [" + index + "] is of type ["
                + ft.typeName() + "], not knn_vector; set [field] to the knn_vector field holding the gallery vectors");
        }
        Map<String, Object> mapping = MAPPINGS.computeIfAbsent(new MappingKey(context.index().getUUID(), f,
            context.getIndexSettings().getIndexMetadata().getMappingVersion()), k -> renderMapping(context, f));
        if (MAPPINGS.size() > 10_000) MAPPINGS.clear(); // stale mapping versions of many indices: start over
        boolean indexKnn = context.getIndexSettings().getSettings().getAsBoolean("index.knn", false);
        String reason = KnnFieldCheck.rejectReason(f, mapping, indexKnn);
        if (reason != null) throw new IllegalArgumentException(reason + " (index [" + index + "])");
        if (mapping.get("dimension") instanceof Number dim && dim.intValue() != b.dimension()) {
            throw new IllegalArgumentException("[hubness] field [" + f + "] has dimension " + dim + " but bank [" + b.name()
                + "] has dimension " + b.dimension() + "; use a bank built for this field");
        }
    }

    /** A field's rendered mapping per index and mapping version: rendering it costs more than the rescore itself. */
    private record MappingKey(String indexUuid, String field, long mappingVersion) {}

    private static final Map<MappingKey, Map<String, Object>> MAPPINGS = new java.util.concurrent.ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> renderMapping(QueryShardContext context, String f) {
        try {
            return renderMappingOf(context, f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> renderMappingOf(QueryShardContext context, String f) throws IOException {
        var documentMapper = context.getMapperService().documentMapper();
        Mapper mapper = documentMapper == null ? null : documentMapper.mappers().getMapper(f);
        if (mapper == null) return Map.of();
        XContentBuilder builder = XContentFactory.jsonBuilder().startObject();
        mapper.toXContent(builder, ToXContent.EMPTY_PARAMS);
        builder.endObject();
        Map<String, Object> map = XContentHelper.convertToMap(BytesReference.bytes(builder), false, XContentType.JSON).v2();
        if (map.size() == 1 && map.values().iterator().next() instanceof Map<?, ?> inner) return (Map<String, Object>) inner;
        return map;
    }

    // ---- equality (pinned state included, transient state not) ----

    @Override
    public boolean equals(Object o) {
        if (!super.equals(o)) return false;
        HubnessRescorerBuilder other = (HubnessRescorerBuilder) o;
        return bank.equals(other.bank) && Arrays.equals(queryVector, other.queryVector) && method == other.method
            && Objects.equals(field, other.field) && Objects.equals(betaQuery, other.betaQuery)
            && Objects.equals(betaGallery, other.betaGallery) && scoreMode == other.scoreMode
            && Float.compare(queryWeight, other.queryWeight) == 0 && Float.compare(rescoreQueryWeight, other.rescoreQueryWeight) == 0
            && Objects.equals(pinned, other.pinned);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), bank, Arrays.hashCode(queryVector), method, field, betaQuery, betaGallery,
            scoreMode, queryWeight, rescoreQueryWeight, pinned);
    }
}

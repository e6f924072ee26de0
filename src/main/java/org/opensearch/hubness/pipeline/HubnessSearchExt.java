package org.opensearch.hubness.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ObjectParser;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentLocation;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder;
import org.opensearch.hubness.rescore.HubnessServices;
import org.opensearch.search.SearchExtBuilder;
import org.opensearch.search.pipeline.SearchPipelineService;

/**
 * {@code "ext": {"hubness": {"bank": ..., "method"?, "window_size"?, "beta_query"?, "beta_gallery"?, ...}}}: the
 * {@code hubness} search request processor's configuration carried by one request. It takes exactly what the
 * processor takes (the rescore clause's parameters but {@code query_vector} and {@code field}, which come from the
 * request's knn query, plus {@code window_size}) and is validated by the same code ({@link RescoreTemplate}, which
 * runs the rescore clause's own parser), so a bad value is a 400 when the request is parsed. The
 * {@link HubnessExtProcessor} adds the clause; this class only carries the configuration to it.
 */
public final class HubnessSearchExt extends SearchExtBuilder {

    public static final String NAME = HubnessRescorerBuilder.NAME;

    /** What the ext takes: the processor's parameters. */
    public static final List<String> PARAMETERS = parameters();

    private final Map<String, Object> clause;
    /** Null: the processor's default. */
    private final Integer windowSize;

    HubnessSearchExt(Map<String, Object> clause, Integer windowSize) {
        this.clause = Map.copyOf(clause);
        this.windowSize = windowSize;
    }

    public HubnessSearchExt(StreamInput in) throws IOException {
        this(in.readMap(), in.readOptionalInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeMap(clause);
        out.writeOptionalInt(windowSize);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    /** The rescore clause without the query's vector and field; validated again, as a stored processor's is. */
    RescoreTemplate template(HubnessServices services) {
        return new RescoreTemplate(clause, RescoreTemplate.windowSize(windowSize), services);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        for (Map.Entry<String, Object> e : clause.entrySet()) builder.field(e.getKey(), e.getValue());
        if (windowSize != null) builder.field(HubnessProcessorFactory.WINDOW_SIZE, windowSize);
        return builder.endObject();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HubnessSearchExt e && clause.equals(e.clause) && Objects.equals(windowSize, e.windowSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clause, windowSize);
    }

    // ------------------------------------------------------------------------------------------------ parsing

    /** The raw values, each judged by the rescore clause's parser (through RescoreTemplate), not here. */
    private static final class Body {
        final Map<String, Object> clause = new LinkedHashMap<>();
        Object windowSize;
    }

    private static final ObjectParser<Body, Void> PARSER =
            new ObjectParser<>(NAME, HubnessSearchExt::refuseUnknown, Body::new);

    static {
        ObjectParser.ValueType any = ObjectParser.ValueType.VALUE_OBJECT_ARRAY; // type errors: the clause's messages
        for (String name : PARAMETERS) {
            if (name.equals(HubnessProcessorFactory.WINDOW_SIZE)) {
                PARSER.declareField((b, v) -> b.windowSize = v, (p, c) -> raw(p), new ParseField(name), any);
            } else {
                PARSER.declareField((b, v) -> b.clause.put(name, v), (p, c) -> raw(p), new ParseField(name), any);
            }
        }
    }

    private static List<String> parameters() {
        List<String> names = new ArrayList<>(HubnessRescorerBuilder.PARAMETERS);
        names.removeAll(HubnessProcessorFactory.FROM_THE_QUERY);
        names.add(HubnessProcessorFactory.WINDOW_SIZE);
        return List.copyOf(names);
    }

    private static void refuseUnknown(Body body, String name, Object value) {
        if (HubnessProcessorFactory.FROM_THE_QUERY.contains(name)) {
            throw new IllegalArgumentException(
                    "[" + name + "] is taken from the request's knn query; leave it out of ext.hubness");
        }
        throw new IllegalArgumentException("unknown parameter [" + name + "]; valid parameters are " + PARAMETERS);
    }

    private static Object raw(XContentParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> p.map();
            case START_ARRAY -> p.list();
            case VALUE_NULL ->
                throw new IllegalArgumentException(
                        "[" + p.currentName() + "] must not be null; leave it out to use the default");
            default -> p.objectText();
        };
    }

    /**
     * Parses the body of {@code "hubness": {...}} in a request's {@code ext}. Refused (400) when the admin has not
     * enabled {@value HubnessExtProcessor#FACTORY} in {@code cluster.search.enabled_system_generated_factories}: the
     * request would otherwise run without the rescore it asked for.
     */
    public static HubnessSearchExt parse(XContentParser parser, HubnessServices services, BooleanSupplier enabled)
            throws IOException {
        XContentLocation location = parser.getTokenLocation();
        if (!enabled.getAsBoolean()) {
            throw new ParsingException(
                    location,
                    "[ext.hubness] is not enabled on this cluster: an admin adds [" + HubnessExtProcessor.FACTORY
                            + "] to the cluster setting ["
                            + SearchPipelineService.ENABLED_SYSTEM_GENERATED_FACTORIES_SETTING.getKey()
                            + "] once (see the user guide); until then use the [hubness] rescore clause or a search"
                            + " pipeline");
        }
        if (parser.currentToken() != XContentParser.Token.START_OBJECT) {
            throw new ParsingException(location, "[ext.hubness] must be an object, got " + parser.currentToken());
        }
        Body body;
        try {
            body = PARSER.parse(parser, null);
        } catch (RuntimeException e) {
            throw new ParsingException(location, "[ext.hubness] " + reason(e), e);
        }
        Integer window = null;
        if (body.windowSize != null) {
            try {
                window = RescoreTemplate.windowSize(body.windowSize);
            } catch (IllegalArgumentException e) {
                throw new ParsingException(
                        location, "[ext.hubness] [" + HubnessProcessorFactory.WINDOW_SIZE + "] " + e.getMessage(), e);
            }
        }
        try {
            HubnessSearchExt ext = new HubnessSearchExt(body.clause, window);
            ext.template(services); // every value judged now by the clause's parser: a 400 before anything runs
            return ext;
        } catch (RuntimeException e) {
            throw new ParsingException(location, "[ext.hubness] " + reason(e), e);
        }
    }

    /** ObjectParser wraps a field's failure in "failed to parse field [x]"; the user needs the reason inside. */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String message = t.getMessage() == null ? t.toString() : t.getMessage();
        String clausePrefix = "[" + NAME + "] "; // the rescore parser's; the ext's own prefix says where it was
        return message.startsWith(clausePrefix) ? message.substring(clausePrefix.length()) : message;
    }
}

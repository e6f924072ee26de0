package org.opensearch.hubness.rescore;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.ObjectParser;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentLocation;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.kernel.FiniteCheck;
import org.opensearch.hubness.norm.Method;

/**
 * The {@code hubness} rescore DSL on OpenSearch's {@link ObjectParser}. Every field is declared to take any token so
 * that a wrong type gets this plugin's message ("[bank] must be a string"), and an unknown field lists the valid ones;
 * {@link RescoreClause} then validates the values as it does for Java callers and the wire. {@link #toXContent} writes
 * the clause back in the same DSL.
 */
final class HubnessRescoreParser {

    static final ParseField BANK = new ParseField("bank");
    static final ParseField QUERY_VECTOR = new ParseField("query_vector");
    static final ParseField METHOD = new ParseField("method");
    static final ParseField FIELD = new ParseField("field");
    static final ParseField BETA_QUERY = new ParseField("beta_query");
    static final ParseField BETA_GALLERY = new ParseField("beta_gallery");
    static final ParseField SCORE_MODE = new ParseField("score_mode");
    static final ParseField QUERY_WEIGHT = new ParseField("query_weight");
    static final ParseField RESCORE_QUERY_WEIGHT = new ParseField("rescore_query_weight");
    static final ParseField TOP1 = new ParseField("top1");
    static final List<String> PARAMETERS = List.of(
            BANK.getPreferredName(),
            QUERY_VECTOR.getPreferredName(),
            METHOD.getPreferredName(),
            FIELD.getPreferredName(),
            BETA_QUERY.getPreferredName(),
            BETA_GALLERY.getPreferredName(),
            SCORE_MODE.getPreferredName(),
            QUERY_WEIGHT.getPreferredName(),
            RESCORE_QUERY_WEIGHT.getPreferredName(),
            TOP1.getPreferredName());

    /** What the body said, before {@link RescoreClause} validates it. */
    private static final class Body {
        String bank, field;
        float[] vector;
        Method method;
        Double betaQuery, betaGallery;
        ScoreMode scoreMode = ScoreMode.REPLACE;
        float queryWeight = 1f, rescoreQueryWeight = 1f;
        Top1 top1 = Top1.KNN;
    }

    private static final ObjectParser<Body, Void> PARSER = new ObjectParser<>(
            HubnessRescorerBuilder.NAME,
            (body, name, value) -> {
                throw new UnknownRescoreParameterException(name, PARAMETERS);
            },
            Body::new);

    static {
        ObjectParser.ValueType any =
                ObjectParser.ValueType.VALUE_OBJECT_ARRAY; // type errors get our own messages below
        PARSER.declareField((b, v) -> b.bank = v, (p, c) -> string(p, BANK), BANK, any);
        PARSER.declareField((b, v) -> b.vector = v, (p, c) -> vector(p), QUERY_VECTOR, any);
        PARSER.declareField((b, v) -> b.method = v, (p, c) -> Method.fromString(string(p, METHOD)), METHOD, any);
        PARSER.declareField((b, v) -> b.field = v, (p, c) -> string(p, FIELD), FIELD, any);
        PARSER.declareField((b, v) -> b.betaQuery = v, (p, c) -> number(p, BETA_QUERY), BETA_QUERY, any);
        PARSER.declareField((b, v) -> b.betaGallery = v, (p, c) -> number(p, BETA_GALLERY), BETA_GALLERY, any);
        PARSER.declareField(
                (b, v) -> b.scoreMode = v, (p, c) -> ScoreMode.fromString(string(p, SCORE_MODE)), SCORE_MODE, any);
        PARSER.declareField((b, v) -> b.queryWeight = v, (p, c) -> (float) number(p, QUERY_WEIGHT), QUERY_WEIGHT, any);
        PARSER.declareField(
                (b, v) -> b.rescoreQueryWeight = v,
                (p, c) -> (float) number(p, RESCORE_QUERY_WEIGHT),
                RESCORE_QUERY_WEIGHT,
                any);
        PARSER.declareField((b, v) -> b.top1 = v, (p, c) -> Top1.fromString(string(p, TOP1)), TOP1, any);
    }

    private HubnessRescoreParser() {}

    /** Parses the body of {@code "hubness": {...}}; the parser is on its START_OBJECT. Bad input is a ParsingException (400). */
    static HubnessRescorerBuilder parse(XContentParser parser, HubnessServices services) throws IOException {
        XContentLocation location = parser.getTokenLocation();
        if (parser.currentToken() != XContentParser.Token.START_OBJECT) {
            throw new ParsingException(location, "[hubness] must be an object, got " + parser.currentToken());
        }
        Body body;
        try {
            body = PARSER.parse(parser, null);
        } catch (RuntimeException e) {
            throw new ParsingException(location, "[hubness] " + rootMessage(e), e);
        }
        try {
            return new HubnessRescorerBuilder(
                    services,
                    new RescoreClause(
                            body.bank,
                            body.vector,
                            body.method,
                            body.field,
                            body.betaQuery,
                            body.betaGallery,
                            body.scoreMode,
                            body.queryWeight,
                            body.rescoreQueryWeight,
                            body.top1));
        } catch (IllegalArgumentException e) {
            throw new ParsingException(location, e.getMessage(), e);
        }
    }

    /** Writes the clause back as the DSL this class parses (the pinned state is not part of it). */
    static void toXContent(RescoreClause clause, XContentBuilder builder) throws IOException {
        builder.startObject(HubnessRescorerBuilder.NAME)
                .field(BANK.getPreferredName(), clause.bank())
                .array(QUERY_VECTOR.getPreferredName(), clause.queryVector());
        if (clause.method() != null)
            builder.field(METHOD.getPreferredName(), clause.method().externalName());
        if (clause.field() != null) builder.field(FIELD.getPreferredName(), clause.field());
        if (clause.betaQuery() != null) builder.field(BETA_QUERY.getPreferredName(), clause.betaQuery());
        if (clause.betaGallery() != null) builder.field(BETA_GALLERY.getPreferredName(), clause.betaGallery());
        builder.field(SCORE_MODE.getPreferredName(), clause.scoreMode().externalName())
                .field(QUERY_WEIGHT.getPreferredName(), clause.queryWeight())
                .field(RESCORE_QUERY_WEIGHT.getPreferredName(), clause.rescoreQueryWeight())
                .field(TOP1.getPreferredName(), clause.top1().externalName())
                .endObject();
    }

    /** ObjectParser wraps a field's failure in "failed to parse field [x]"; the user needs the reason inside. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage();
    }

    private static String string(XContentParser parser, ParseField name) throws IOException {
        if (parser.currentToken() != XContentParser.Token.VALUE_STRING) {
            throw new IllegalArgumentException(
                    "[" + name.getPreferredName() + "] must be a string, got " + parser.currentToken());
        }
        return parser.text();
    }

    private static double number(XContentParser parser, ParseField name) throws IOException {
        XContentParser.Token t = parser.currentToken();
        if (t == XContentParser.Token.VALUE_NUMBER) return parser.doubleValue();
        if (t == XContentParser.Token.VALUE_STRING) {
            try {
                return Double.parseDouble(parser.text());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "[" + name.getPreferredName() + "] must be a number, got [" + parser.text() + "]");
            }
        }
        throw new IllegalArgumentException("[" + name.getPreferredName() + "] must be a number, got " + t);
    }

    private static float[] vector(XContentParser parser) throws IOException {
        if (parser.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new IllegalArgumentException(
                    "[query_vector] must be an array of numbers, got " + parser.currentToken());
        }
        float[] v = new float[64]; // grown by doubling: no boxing of a 512- or 1024-component vector
        int n = 0;
        XContentParser.Token t;
        while ((t = parser.nextToken()) != XContentParser.Token.END_ARRAY) {
            if (n == v.length) v = Arrays.copyOf(v, 2 * n);
            if (t == XContentParser.Token.VALUE_NUMBER) {
                v[n++] = (float) parser.doubleValue();
            } else if (t
                    == XContentParser.Token.VALUE_STRING) { // "NaN", "Infinity" (rejected below) or a quoted number
                try {
                    float f = Float.parseFloat(parser.text());
                    v[n++] = f;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "[query_vector] element " + n + " is not a number: [" + parser.text() + "]");
                }
            } else {
                throw new IllegalArgumentException(
                        "[query_vector] must be an array of numbers, found " + t + " at element " + n);
            }
        }
        v = Arrays.copyOf(v, n);
        FiniteCheck.requireFinite(v, "[query_vector]");
        return v;
    }
}

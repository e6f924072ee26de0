package org.opensearch.hubness.bank.state;

import static org.opensearch.core.xcontent.ConstructingObjectParser.constructorArg;
import static org.opensearch.core.xcontent.ConstructingObjectParser.optionalConstructorArg;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ConstructingObjectParser;
import org.opensearch.core.xcontent.ObjectParser;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.norm.HubnessSummary;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.Similarity;

/**
 * The report of one built version, shown by GET as {@code build} (docs/api.md, "GET a bank"): its shape, where it
 * read the gallery, what the pass cost and, when the build measured it, the gallery's hubness per method.
 */
public record BuildReport(
        long version,
        int dimension,
        Similarity similarity,
        String engine,
        long galleryDocuments,
        int queryBankSize,
        int galleryBankSize,
        int queryActivationSize,
        int galleryActivationSize,
        int shards,
        long buildMillis,
        double buildGflops,
        long builtAt,
        Long queryBankSourceDocuments,
        Long galleryBankSourceDocuments,
        Hubness hubness,
        BuildTrigger trigger,
        Long galleryOperations,
        Integer queryBankCapturedVectors)
        implements Writeable, ToXContentObject {

    private static final ParseField VERSION = new ParseField("version");
    private static final ParseField DIMENSION = new ParseField("dimension");
    private static final ParseField SIMILARITY = new ParseField("similarity");
    private static final ParseField ENGINE = new ParseField("engine");
    private static final ParseField GALLERY_DOCUMENTS = new ParseField("gallery_documents");
    private static final ParseField QUERY_BANK_SIZE = new ParseField("query_bank_size");
    private static final ParseField GALLERY_BANK_SIZE = new ParseField("gallery_bank_size");
    private static final ParseField QUERY_ACTIVATION_SIZE = new ParseField("query_activation_size");
    private static final ParseField GALLERY_ACTIVATION_SIZE = new ParseField("gallery_activation_size");
    private static final ParseField SHARDS = new ParseField("shards");
    private static final ParseField BUILD_MILLIS = new ParseField("build_millis");
    private static final ParseField BUILD_GFLOPS = new ParseField("build_gflops");
    private static final ParseField BUILT_AT = new ParseField("built_at");
    /** For a bank read from an index: its documents with the vector field when the build read it (GET's drift). */
    private static final ParseField QUERY_BANK_SOURCE_DOCUMENTS = new ParseField("query_bank_source_documents");

    private static final ParseField GALLERY_BANK_SOURCE_DOCUMENTS = new ParseField("gallery_bank_source_documents");
    private static final ParseField HUBNESS = new ParseField("hubness");
    /** What started the build; absent in reports stored before triggers were recorded. */
    private static final ParseField TRIGGER = new ParseField("trigger");
    /**
     * The gallery's index and delete operations when the build read it (the sum over its primaries of max_seq_no + 1):
     * a rebuild policy's measure of change since the build. Absent in reports stored before policies existed.
     */
    private static final ParseField GALLERY_OPERATIONS = new ParseField("gallery_operations");
    /** For a bank with {@code captured}: how many of its query bank's vectors were captured from searches. */
    private static final ParseField QUERY_BANK_CAPTURED_VECTORS = new ParseField("query_bank_captured_vectors");

    private static final ConstructingObjectParser<BuildReport, Void> PARSER = new ConstructingObjectParser<>(
            "build_report",
            a -> new BuildReport(
                    (long) a[0],
                    (int) a[1],
                    Similarity.fromString((String) a[2]),
                    (String) a[3],
                    (long) a[4],
                    (int) a[5],
                    (int) a[6],
                    (int) a[7],
                    (int) a[8],
                    (int) a[9],
                    (long) a[10],
                    (double) a[11],
                    (long) a[12],
                    (Long) a[13],
                    (Long) a[14],
                    (Hubness) a[15],
                    a[16] == null ? null : BuildTrigger.fromString((String) a[16]),
                    (Long) a[17],
                    (Integer) a[18]));

    static {
        PARSER.declareLong(constructorArg(), VERSION);
        PARSER.declareInt(constructorArg(), DIMENSION);
        PARSER.declareString(constructorArg(), SIMILARITY);
        PARSER.declareString(constructorArg(), ENGINE);
        PARSER.declareLong(constructorArg(), GALLERY_DOCUMENTS);
        PARSER.declareInt(constructorArg(), QUERY_BANK_SIZE);
        PARSER.declareInt(constructorArg(), GALLERY_BANK_SIZE);
        PARSER.declareInt(constructorArg(), QUERY_ACTIVATION_SIZE);
        PARSER.declareInt(constructorArg(), GALLERY_ACTIVATION_SIZE);
        PARSER.declareInt(constructorArg(), SHARDS);
        PARSER.declareLong(constructorArg(), BUILD_MILLIS);
        PARSER.declareDouble(constructorArg(), BUILD_GFLOPS);
        PARSER.declareLong(constructorArg(), BUILT_AT);
        PARSER.declareLong(optionalConstructorArg(), QUERY_BANK_SOURCE_DOCUMENTS);
        PARSER.declareLong(optionalConstructorArg(), GALLERY_BANK_SOURCE_DOCUMENTS);
        PARSER.declareObject(optionalConstructorArg(), (p, c) -> Hubness.PARSER.apply(p, null), HUBNESS);
        PARSER.declareString(optionalConstructorArg(), TRIGGER);
        PARSER.declareLong(optionalConstructorArg(), GALLERY_OPERATIONS);
        PARSER.declareInt(optionalConstructorArg(), QUERY_BANK_CAPTURED_VECTORS);
    }

    public BuildReport(StreamInput in) throws IOException {
        this(
                in.readVLong(),
                in.readVInt(),
                Similarity.fromString(in.readString()),
                in.readString(),
                in.readVLong(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readVLong(),
                in.readDouble(),
                in.readLong(),
                in.readOptionalLong(),
                in.readOptionalLong(),
                in.readOptionalWriteable(Hubness::new),
                in.readBoolean() ? in.readEnum(BuildTrigger.class) : null,
                in.readOptionalLong(),
                in.readOptionalVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(version);
        out.writeVInt(dimension);
        out.writeString(similarity.externalName());
        out.writeString(engine);
        out.writeVLong(galleryDocuments);
        out.writeVInt(queryBankSize);
        out.writeVInt(galleryBankSize);
        out.writeVInt(queryActivationSize);
        out.writeVInt(galleryActivationSize);
        out.writeVInt(shards);
        out.writeVLong(buildMillis);
        out.writeDouble(buildGflops);
        out.writeLong(builtAt);
        out.writeOptionalLong(queryBankSourceDocuments);
        out.writeOptionalLong(galleryBankSourceDocuments);
        out.writeOptionalWriteable(hubness);
        out.writeBoolean(trigger != null);
        if (trigger != null) out.writeEnum(trigger);
        out.writeOptionalLong(galleryOperations);
        out.writeOptionalVInt(queryBankCapturedVectors);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        b.startObject()
                .field(VERSION.getPreferredName(), version)
                .field(DIMENSION.getPreferredName(), dimension)
                .field(SIMILARITY.getPreferredName(), similarity.externalName())
                .field(ENGINE.getPreferredName(), engine)
                .field(GALLERY_DOCUMENTS.getPreferredName(), galleryDocuments)
                .field(QUERY_BANK_SIZE.getPreferredName(), queryBankSize)
                .field(GALLERY_BANK_SIZE.getPreferredName(), galleryBankSize)
                .field(QUERY_ACTIVATION_SIZE.getPreferredName(), queryActivationSize)
                .field(GALLERY_ACTIVATION_SIZE.getPreferredName(), galleryActivationSize)
                .field(SHARDS.getPreferredName(), shards)
                .field(BUILD_MILLIS.getPreferredName(), buildMillis)
                .field(BUILD_GFLOPS.getPreferredName(), buildGflops)
                .field(BUILT_AT.getPreferredName(), builtAt);
        if (queryBankSourceDocuments != null) {
            b.field(QUERY_BANK_SOURCE_DOCUMENTS.getPreferredName(), queryBankSourceDocuments);
        }
        if (galleryBankSourceDocuments != null) {
            b.field(GALLERY_BANK_SOURCE_DOCUMENTS.getPreferredName(), galleryBankSourceDocuments);
        }
        if (queryBankCapturedVectors != null) {
            b.field(QUERY_BANK_CAPTURED_VECTORS.getPreferredName(), queryBankCapturedVectors);
        }
        if (hubness != null) {
            b.field(HUBNESS.getPreferredName());
            hubness.toXContent(b, params);
        }
        if (trigger != null) b.field(TRIGGER.getPreferredName(), trigger.externalName());
        if (galleryOperations != null) b.field(GALLERY_OPERATIONS.getPreferredName(), galleryOperations);
        return b.endObject();
    }

    public static BuildReport fromXContent(XContentParser parser) {
        return PARSER.apply(parser, null);
    }

    /** The gallery's hubness as {@code queryBankVectors} query-bank vectors see it, per method, rounded for reading. */
    public record Hubness(int k, int queryBankVectors, long galleryDocuments, Map<Method, MethodStats> methods)
            implements Writeable, ToXContentObject {

        private static final ParseField K = new ParseField("k");
        private static final ParseField QUERY_BANK_VECTORS = new ParseField("query_bank_vectors");
        private static final ParseField METHODS = new ParseField("methods");

        @SuppressWarnings("unchecked")
        private static final ConstructingObjectParser<Hubness, Void> PARSER = new ConstructingObjectParser<>(
                "build_report_hubness",
                a -> new Hubness((int) a[0], (int) a[1], (long) a[2], (Map<Method, MethodStats>) a[3]));

        static {
            PARSER.declareInt(constructorArg(), K);
            PARSER.declareInt(constructorArg(), QUERY_BANK_VECTORS);
            PARSER.declareLong(constructorArg(), GALLERY_DOCUMENTS);
            PARSER.declareObject(constructorArg(), (p, c) -> methods(p), METHODS);
        }

        public Hubness {
            Map<Method, MethodStats> inMethodOrder = new EnumMap<>(Method.class);
            inMethodOrder.putAll(methods);
            methods = Collections.unmodifiableMap(inMethodOrder);
        }

        /** From the pass's summary: shares to 4 decimals, a skewness null when every N_k is equal (NaN). */
        public static Hubness of(HubnessSummary s) {
            Map<Method, MethodStats> methods = new EnumMap<>(Method.class);
            for (Method m : Method.values()) {
                HubnessSummary.MethodHubness h = s.methods().get(m);
                if (h == null) continue;
                methods.put(
                        m,
                        new MethodStats(
                                Double.isFinite(h.nkSkewness()) ? round4(h.nkSkewness()) : null,
                                round4(h.hubShare()),
                                round4(h.antiHubShare()),
                                h.maxNk()));
            }
            return new Hubness(s.k(), s.queryBankVectors(), s.galleryDocuments(), methods);
        }

        private static double round4(double x) {
            return Math.round(x * 1e4) / 1e4;
        }

        private static Map<Method, MethodStats> methods(XContentParser p) throws IOException {
            Map<Method, MethodStats> out = new EnumMap<>(Method.class);
            XContentParser.Token t;
            while ((t = p.nextToken()) != XContentParser.Token.END_OBJECT) {
                if (t != XContentParser.Token.FIELD_NAME)
                    throw new IllegalArgumentException("[methods] must map method names to objects, got " + t);
                Method m = Method.fromString(p.currentName());
                p.nextToken();
                out.put(m, MethodStats.PARSER.apply(p, null));
            }
            return out;
        }

        Hubness(StreamInput in) throws IOException {
            this(
                    in.readVInt(),
                    in.readVInt(),
                    in.readVLong(),
                    in.readMap(i -> i.readEnum(Method.class), MethodStats::new));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVInt(k);
            out.writeVInt(queryBankVectors);
            out.writeVLong(galleryDocuments);
            out.writeMap(methods, StreamOutput::writeEnum, (o, s) -> s.writeTo(o));
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
            b.startObject()
                    .field(K.getPreferredName(), k)
                    .field(QUERY_BANK_VECTORS.getPreferredName(), queryBankVectors)
                    .field(GALLERY_DOCUMENTS.getPreferredName(), galleryDocuments);
            b.startObject(METHODS.getPreferredName());
            for (Map.Entry<Method, MethodStats> e : methods.entrySet()) {
                b.field(e.getKey().externalName());
                e.getValue().toXContent(b, params);
            }
            return b.endObject().endObject();
        }
    }

    /** N_10 statistics of one method; {@code n10Skewness} is null when every N_10 is equal. */
    public record MethodStats(Double n10Skewness, double hubShare, double antiHubShare, int maxN10)
            implements Writeable, ToXContentObject {

        private static final ParseField N10_SKEWNESS = new ParseField("n10_skewness");
        private static final ParseField HUB_SHARE = new ParseField("hub_share");
        private static final ParseField ANTI_HUB_SHARE = new ParseField("anti_hub_share");
        private static final ParseField MAX_N10 = new ParseField("max_n10");

        private static final ConstructingObjectParser<MethodStats, Void> PARSER = new ConstructingObjectParser<>(
                "build_report_method", a -> new MethodStats((Double) a[0], (double) a[1], (double) a[2], (int) a[3]));

        static {
            PARSER.declareField(
                    optionalConstructorArg(),
                    p -> p.currentToken() == XContentParser.Token.VALUE_NULL ? null : p.doubleValue(),
                    N10_SKEWNESS,
                    ObjectParser.ValueType.DOUBLE_OR_NULL);
            PARSER.declareDouble(constructorArg(), HUB_SHARE);
            PARSER.declareDouble(constructorArg(), ANTI_HUB_SHARE);
            PARSER.declareInt(constructorArg(), MAX_N10);
        }

        MethodStats(StreamInput in) throws IOException {
            this(in.readOptionalDouble(), in.readDouble(), in.readDouble(), in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalDouble(n10Skewness);
            out.writeDouble(hubShare);
            out.writeDouble(antiHubShare);
            out.writeVInt(maxN10);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
            return b.startObject()
                    .field(N10_SKEWNESS.getPreferredName(), n10Skewness)
                    .field(HUB_SHARE.getPreferredName(), hubShare)
                    .field(ANTI_HUB_SHARE.getPreferredName(), antiHubShare)
                    .field(MAX_N10.getPreferredName(), maxN10)
                    .endObject();
        }
    }
}

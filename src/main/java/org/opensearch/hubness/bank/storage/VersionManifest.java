package org.opensearch.hubness.bank.storage;

import static org.opensearch.core.xcontent.ConstructingObjectParser.constructorArg;
import static org.opensearch.core.xcontent.ConstructingObjectParser.optionalConstructorArg;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.ConstructingObjectParser;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.bank.BankHubs;
import org.opensearch.hubness.bank.BankRefusedException;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/**
 * The manifest document of one built version in {@code .hubness-banks}: everything of the version but its vectors,
 * which its chunks hold. Read with OpenSearch's parser: a missing, mistyped or unknown field is a {@link
 * BankRefusedException} that says what is wrong, never a cast that fails and a load retried forever.
 */
record VersionManifest(
        String bank,
        String buildId,
        String galleryIndex,
        String galleryField,
        Similarity similarity,
        NormParams params,
        int dimension,
        int queryRows,
        int galleryRows,
        List<String> queryActivation,
        List<String> galleryActivation,
        BankHubs queryHubs,
        BankHubs galleryHubs)
        implements ToXContentObject {

    private static final ParseField TYPE = new ParseField(BlobDocument.TYPE);
    private static final ParseField BANK = new ParseField(BlobDocument.BANK);
    private static final ParseField BUILD_ID = new ParseField(BlobDocument.BUILD_ID);
    private static final ParseField GALLERY = new ParseField("gallery");
    private static final ParseField INDEX = new ParseField("index");
    private static final ParseField FIELD = new ParseField("field");
    private static final ParseField SIMILARITY = new ParseField("similarity");
    private static final ParseField PARAMS = new ParseField("params");
    private static final ParseField DIMENSION = new ParseField("dimension");
    private static final ParseField QUERY_ROWS = new ParseField("query_rows");
    private static final ParseField GALLERY_ROWS = new ParseField("gallery_rows");
    private static final ParseField QUERY_ACTIVATION = new ParseField("query_activation");
    private static final ParseField GALLERY_ACTIVATION = new ParseField("gallery_activation");
    /** Absent in versions built before hubs were recorded. */
    private static final ParseField HUBS = new ParseField("hubs");

    private record Gallery(String index, String field) {}

    private static final ConstructingObjectParser<Gallery, Void> GALLERY_PARSER =
            new ConstructingObjectParser<>("gallery", a -> new Gallery((String) a[0], (String) a[1]));

    @SuppressWarnings("unchecked")
    private static final ConstructingObjectParser<VersionManifest, Void> PARSER =
            new ConstructingObjectParser<>("manifest", a -> {
                if (!BlobDocument.Type.MANIFEST.id.equals(a[0]))
                    throw new IllegalArgumentException("[type] is [" + a[0] + "], not [manifest]");
                Gallery g = (Gallery) a[3];
                return new VersionManifest(
                        (String) a[1],
                        (String) a[2],
                        g.index(),
                        g.field(),
                        Similarity.fromString((String) a[4]),
                        (NormParams) a[5],
                        (int) a[6],
                        (int) a[7],
                        (int) a[8],
                        (List<String>) a[9],
                        (List<String>) a[10],
                        HubsManifest.fromMap((Map<String, Object>) a[11], HubsManifest.QUERY_BANK),
                        HubsManifest.fromMap((Map<String, Object>) a[11], HubsManifest.GALLERY_BANK));
            });

    static {
        GALLERY_PARSER.declareString(constructorArg(), INDEX);
        GALLERY_PARSER.declareString(constructorArg(), FIELD);
        PARSER.declareString(constructorArg(), TYPE);
        PARSER.declareString(constructorArg(), BANK);
        PARSER.declareString(constructorArg(), BUILD_ID);
        PARSER.declareObject(constructorArg(), GALLERY_PARSER, GALLERY);
        PARSER.declareString(constructorArg(), SIMILARITY);
        PARSER.declareObject(constructorArg(), (p, c) -> params(p.map()), PARAMS);
        PARSER.declareInt(constructorArg(), DIMENSION);
        PARSER.declareInt(constructorArg(), QUERY_ROWS);
        PARSER.declareInt(constructorArg(), GALLERY_ROWS);
        PARSER.declareStringArray(constructorArg(), QUERY_ACTIVATION);
        PARSER.declareStringArray(constructorArg(), GALLERY_ACTIVATION);
        PARSER.declareObject(optionalConstructorArg(), (p, c) -> p.map(), HUBS);
    }

    static VersionManifest of(LoadedBank bank) {
        return new VersionManifest(
                bank.name(),
                bank.buildId(),
                bank.galleryIndex(),
                bank.galleryField(),
                bank.similarity(),
                bank.params(),
                bank.dimension(),
                bank.queryBankSize(),
                bank.galleryBankSize(),
                List.copyOf(bank.queryActivation()),
                List.copyOf(bank.galleryActivation()),
                bank.queryHubs(),
                bank.galleryHubs());
    }

    /** The parameters by the names {@link NormParams#writeTo} gives them; each must be a number. */
    private static NormParams params(Map<String, Object> raw) {
        return NormParams.readFrom(name -> {
            if (!(raw.get(name) instanceof Number n))
                throw new IllegalArgumentException(
                        "[params." + name + "] must be a number, got [" + raw.get(name) + "]");
            return n;
        });
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params p) throws IOException {
        Map<String, Object> normParams = new LinkedHashMap<>();
        params.writeTo(normParams::put);
        b.startObject()
                .field(TYPE.getPreferredName(), BlobDocument.Type.MANIFEST.id)
                .field(BANK.getPreferredName(), bank)
                .field(BUILD_ID.getPreferredName(), buildId);
        b.startObject(GALLERY.getPreferredName())
                .field(INDEX.getPreferredName(), galleryIndex)
                .field(FIELD.getPreferredName(), galleryField)
                .endObject();
        b.field(SIMILARITY.getPreferredName(), similarity.externalName())
                .field(PARAMS.getPreferredName(), normParams)
                .field(DIMENSION.getPreferredName(), dimension)
                .field(QUERY_ROWS.getPreferredName(), queryRows)
                .field(GALLERY_ROWS.getPreferredName(), galleryRows)
                .field(QUERY_ACTIVATION.getPreferredName(), queryActivation)
                .field(GALLERY_ACTIVATION.getPreferredName(), galleryActivation);
        if (queryHubs != null || galleryHubs != null) {
            b.field(HUBS.getPreferredName(), HubsManifest.toMap(queryHubs, galleryHubs));
        }
        return b.endObject();
    }

    /**
     * Reads the manifest of {@code bank}'s build {@code buildId} from its stored source.
     *
     * @throws BankRefusedException when it is not a readable manifest of that build, naming what is wrong
     */
    static VersionManifest parse(BytesReference source, String bank, String buildId, String what) {
        VersionManifest m;
        try (XContentParser p = XContentHelper.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                source,
                MediaTypeRegistry.xContentType(source))) {
            m = PARSER.parse(p, null);
        } catch (IOException | RuntimeException e) {
            throw broken(what, reasons(e));
        }
        if (!m.bank().equals(bank) || !m.buildId().equals(buildId))
            throw broken(what, "it names bank [" + m.bank() + "] build [" + m.buildId() + "]");
        return m;
    }

    private static BankRefusedException broken(String what, String why) {
        return new BankRefusedException(what + " has a broken manifest in [" + BankBlobs.NAME + "] (" + why
                + "); the bank index was modified outside the plugin; rebuild the bank");
    }

    /** The messages of an exception and its causes: the parser says where, its cause what. */
    private static String reasons(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null && out.size() < 4; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !out.contains(t.getMessage())) out.add(t.getMessage());
        }
        return out.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", out);
    }
}

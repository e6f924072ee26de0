package org.opensearch.hubness.bank.state;

import static org.opensearch.core.xcontent.ConstructingObjectParser.optionalConstructorArg;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import org.opensearch.Version;
import org.opensearch.cluster.AbstractNamedDiffable;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.NamedDiff;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ConstructingObjectParser;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParserUtils;

/**
 * Every bank of the cluster, as custom cluster metadata (like ingest and search pipelines): the one source of truth
 * for definitions, states and serving versions. Only the cluster manager changes it (see {@link BankTransitions});
 * every node learns a new serving version from the state it applies. Persisted with the cluster state, so it
 * survives full restarts; the vector blobs stay in the bank index.
 */
public final class HubnessMetadata extends AbstractNamedDiffable<Metadata.Custom> implements Metadata.Custom {

    public static final String TYPE = "hubness_banks";
    public static final HubnessMetadata EMPTY = new HubnessMetadata(Map.of());

    private static final ParseField BANKS = new ParseField("banks");
    private static final ConstructingObjectParser<HubnessMetadata, Void> PARSER =
            new ConstructingObjectParser<>(TYPE, a -> new HubnessMetadata(a[0] == null ? Map.of() : castBanks(a[0])));

    static {
        PARSER.declareObject(optionalConstructorArg(), (p, c) -> banks(p), BANKS);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, BankRecord> castBanks(Object banks) {
        return (Map<String, BankRecord>) banks;
    }

    private final Map<String, BankRecord> banks;

    public HubnessMetadata(Map<String, BankRecord> banks) {
        this.banks = Collections.unmodifiableMap(new TreeMap<>(banks));
    }

    public HubnessMetadata(StreamInput in) throws IOException {
        this(in.readMap(StreamInput::readString, BankRecord::new));
    }

    public static HubnessMetadata of(ClusterState state) {
        HubnessMetadata m = state.metadata().custom(TYPE);
        return m == null ? EMPTY : m;
    }

    public static NamedDiff<Metadata.Custom> readDiffFrom(StreamInput in) throws IOException {
        return readDiffFrom(Metadata.Custom.class, TYPE, in);
    }

    public Map<String, BankRecord> banks() {
        return banks;
    }

    public BankRecord bank(String name) {
        return banks.get(name);
    }

    public HubnessMetadata with(BankRecord bank) {
        Map<String, BankRecord> m = new TreeMap<>(banks);
        m.put(bank.name(), bank);
        return new HubnessMetadata(m);
    }

    public HubnessMetadata without(String name) {
        Map<String, BankRecord> m = new TreeMap<>(banks);
        m.remove(name);
        return new HubnessMetadata(m);
    }

    public ClusterState applyTo(ClusterState state) {
        return ClusterState.builder(state)
                .metadata(Metadata.builder(state.metadata()).putCustom(TYPE, this))
                .build();
    }

    @Override
    public String getWriteableName() {
        return TYPE;
    }

    @Override
    public Version getMinimalSupportedVersion() {
        return Version.CURRENT.minimumCompatibilityVersion();
    }

    /**
     * Persisted (gateway) and snapshotted, never shown by the cluster-state API: definitions, failure texts and
     * digests are for the plugin's own GET routes, which {@code cluster:admin/hubness/bank/get} guards, not for every
     * holder of {@code cluster:monitor/state}.
     */
    @Override
    public EnumSet<Metadata.XContentContext> context() {
        return EnumSet.of(Metadata.XContentContext.GATEWAY, Metadata.XContentContext.SNAPSHOT);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeMap(banks, StreamOutput::writeString, (o, b) -> b.writeTo(o));
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(BANKS.getPreferredName());
        for (BankRecord b : banks.values()) b.toXContent(builder, params);
        return builder.endObject();
    }

    /** Reads what {@link #toXContent} wrote (the gateway's and a snapshot's copy); the parser is on its object. */
    public static HubnessMetadata fromXContent(XContentParser parser) throws IOException {
        return PARSER.parse(parser, null);
    }

    private static Map<String, BankRecord> banks(XContentParser parser) throws IOException {
        Map<String, BankRecord> banks = new TreeMap<>();
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            XContentParserUtils.ensureExpectedToken(XContentParser.Token.FIELD_NAME, token, parser);
            String name = parser.currentName();
            parser.nextToken();
            banks.put(name, BankRecord.fromXContent(parser, name));
        }
        return banks;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HubnessMetadata other && banks.equals(other.banks);
    }

    @Override
    public int hashCode() {
        return banks.hashCode();
    }

    @Override
    public String toString() {
        return "HubnessMetadata" + banks.keySet();
    }
}

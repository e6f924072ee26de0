package org.opensearch.hubness.bank.state;

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
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

/**
 * Every bank of the cluster, as custom cluster metadata (like ingest and search pipelines): the one source of truth
 * for definitions, states and serving versions. Only the cluster manager changes it (see {@link BankTransitions});
 * every node learns a new serving version from the state it applies. Persisted with the cluster state, so it
 * survives full restarts; the vector blobs stay in the bank index.
 */
public final class HubnessMetadata extends AbstractNamedDiffable<Metadata.Custom> implements Metadata.Custom {

    public static final String TYPE = "hubness_banks";
    public static final HubnessMetadata EMPTY = new HubnessMetadata(Map.of());

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
        builder.startObject("banks");
        for (BankRecord b : banks.values()) b.toXContent(builder);
        return builder.endObject();
    }

    @SuppressWarnings("unchecked")
    public static HubnessMetadata fromXContent(XContentParser parser) throws IOException {
        Map<String, Object> root = parser.map();
        Map<String, Object> raw = (Map<String, Object>) root.getOrDefault("banks", Map.of());
        Map<String, BankRecord> banks = new TreeMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet())
            banks.put(e.getKey(), BankRecord.fromMap(e.getKey(), (Map<String, Object>) e.getValue()));
        return new HubnessMetadata(banks);
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

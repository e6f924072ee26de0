package org.opensearch.hubness.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin's one-time switch for {@code ext.hubness} (and k-NN's {@code ext.mmr}) on the shared test cluster: the
 * persistent {@code cluster.search.enabled_system_generated_factories}, set for a test class and put back as it was
 * (the other ITs share the cluster).
 */
final class ExtSwitch implements AutoCloseable {

    static final String SETTING = "cluster.search.enabled_system_generated_factories";
    static final String HUBNESS = "hubness_ext_factory";
    static final List<String> MMR = List.of("mmr_over_sample_factory", "mmr_rerank_factory");

    private final LocalCluster cluster;
    private final String previous;

    private ExtSwitch(LocalCluster cluster, String previous) {
        this.cluster = cluster;
        this.previous = previous;
    }

    /** Enables exactly these factories until {@link #close()}. */
    static ExtSwitch enable(LocalCluster cluster, List<String> factories) {
        JsonNode persistent =
                cluster.get("/_cluster/settings?flat_settings=true").ok().json().path("persistent");
        JsonNode before = persistent.path(SETTING);
        ExtSwitch s = new ExtSwitch(cluster, before.isMissingNode() ? "null" : before.toString());
        s.set(factories);
        return s;
    }

    static List<String> hubnessAndMmr() {
        List<String> all = new ArrayList<>(MMR);
        all.add(HUBNESS);
        return all;
    }

    void set(List<String> factories) {
        StringBuilder json = new StringBuilder("[");
        for (String f : factories)
            json.append(json.length() > 1 ? "," : "").append('"').append(f).append('"');
        cluster.put("/_cluster/settings", "{\"persistent\":{\"" + SETTING + "\":" + json + "]}}")
                .ok();
    }

    @Override
    public void close() {
        cluster.put("/_cluster/settings", "{\"persistent\":{\"" + SETTING + "\":" + previous + "}}")
                .ok();
    }
}

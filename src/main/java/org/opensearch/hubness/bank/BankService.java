package org.opensearch.hubness.bank;

import org.opensearch.hubness.field.IndexFieldInspector;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.index.engine.VersionConflictEngineException;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The bank lifecycle: define and build, rebuild, describe, list, delete. A bank document records the state of the
 * latest build (building, ready, failed) next to the version that serves; a build writes its version completely before
 * the bank document points to it, so readers never see a half-built bank, and a failed build leaves the serving
 * version untouched. Blocking: call from the build or generic thread pools.
 */
public final class BankService {

    private static final Logger LOG = LogManager.getLogger(BankService.class);

    /** Tells every node that a version serves now, or that a bank is gone. */
    public interface NodeSync {
        void installed(String bank, long version);
        void deleted(String bank);
    }

    private final Supplier<Client> client;
    private final ClusterService clusterService;
    private final BankIndex index;
    private final HubnessSettings settings;
    private volatile NodeSync sync;

    public BankService(Supplier<Client> client, ClusterService clusterService, BankIndex index, HubnessSettings settings) {
        this.client = client;
        this.clusterService = clusterService;
        this.index = index;
        this.settings = settings;
    }

    public void setNodeSync(NodeSync sync) {
        this.sync = sync;
    }

    /**
     * PUT: validates, records the bank as building, and builds version 1. A build that finds the definition invalid
     * leaves no bank behind when the caller waits for the 400 (so the corrected PUT can reuse the name); in the
     * background the failed bank stays, so its state tells the user what went wrong.
     */
    public Map<String, Object> create(String name, Map<String, Object> body, boolean background) {
        BankDefinition def = BankDefinition.fromMap(name, body);
        index.ensureExists();
        if (index.getBank(name) != null) {
            throw new IllegalArgumentException("bank [" + name + "] already exists; rebuild it with POST /_plugins/_hubness/banks/" + name
                + "/_rebuild, or DELETE it first to change its definition");
        }
        IndexFieldInspector.inspect(client.get(), def.galleryIndex(), def.galleryField());
        Map<String, Object> doc = buildingDoc(def, null, 1);
        try {
            index.putBank(name, doc, true);
        } catch (VersionConflictEngineException raced) {
            throw new IllegalArgumentException("bank [" + name + "] already exists (created concurrently)");
        }
        try {
            build(def, 1);
        } catch (IllegalArgumentException invalid) {
            if (!background) index.deleteBank(name); // nothing ever served from it
            throw invalid;
        }
        return describe(name);
    }

    /** POST _rebuild: re-reads the sources and builds the next version; the serving one serves until it is done. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> rebuild(String name) {
        Map<String, Object> doc = currentBank(name);
        if ("building".equals(doc.get("state"))) {
            throw new OpenSearchStatusException("bank [" + name + "] is already building version " + doc.get("building_version")
                + " on node [" + doc.get("build_node") + "]; wait for it (GET /_plugins/_hubness/banks/" + name + ")", RestStatus.CONFLICT);
        }
        BankDefinition def = BankDefinition.fromMap(name, (Map<String, Object>) doc.get("definition"));
        Long serving = servingVersion(doc);
        long next = Math.max(serving == null ? 0 : serving, ((Number) doc.getOrDefault("building_version", 0)).longValue()) + 1;
        index.putBank(name, buildingDoc(def, doc, next), false);
        try {
            build(def, next);
        } catch (IllegalArgumentException invalid) {
            // recorded as failed by build(); the previous version keeps serving
        }
        return describe(name);
    }

    private Map<String, Object> buildingDoc(BankDefinition def, Map<String, Object> previous, long version) {
        Map<String, Object> doc = previous == null ? new LinkedHashMap<>() : new LinkedHashMap<>(previous);
        doc.put("definition", def.toMap());
        doc.put("state", "building");
        doc.put("building_version", version);
        doc.put("build_node", clusterService.localNode().getId());
        doc.put("build_started", System.currentTimeMillis());
        doc.remove("failure");
        return doc;
    }

    private void build(BankDefinition def, long version) {
        String name = def.name();
        try {
            BankBuild.Result result = new BankBuild(client.get(), settings.pageSize(), settings.reportQueries()).run(def, version);
            index.writeVersion(result.bank(), result.info());
            Map<String, Object> doc = index.getBank(name);
            if (doc == null || ((Number) doc.get("building_version")).longValue() != version) {
                LOG.info("bank [{}] was deleted or rebuilt during the build of version {}; discarding it", name, version);
                index.deleteVersion(name, version);
                return;
            }
            Long previous = servingVersion(doc);
            doc.put("state", "ready");
            doc.put("serving_version", version);
            doc.put("build", result.info());
            doc.remove("failure");
            index.putBank(name, doc, false);
            NodeSync s = sync;
            if (s != null) s.installed(name, version);
            // keep the version before as a fallback for searches pinned to it; older ones go
            if (previous != null) for (long v = previous - 1; v >= 1 && index.getVersion(name, v) != null; v--) index.deleteVersion(name, v);
        } catch (RuntimeException e) {
            LOG.warn(() -> "build of bank [" + name + "] version " + version + " failed", e);
            recordFailure(name, version, e);
            throw e;
        }
    }

    private void recordFailure(String name, long version, Exception e) {
        Map<String, Object> doc = index.getBank(name);
        if (doc == null) return;
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("version", version);
        failure.put("type", e.getClass().getSimpleName());
        failure.put("reason", e.getMessage());
        failure.put("at", System.currentTimeMillis());
        doc.put("state", "failed");
        doc.put("failure", failure);
        index.putBank(name, doc, false);
    }

    /**
     * The bank document, after marking a build whose node left the cluster as failed: it would never finish, and the
     * bank must stay rebuildable and deletable.
     */
    private Map<String, Object> currentBank(String name) {
        Map<String, Object> doc = requireBank(name);
        if (!"building".equals(doc.get("state"))) return doc;
        String node = (String) doc.get("build_node");
        if (node == null || clusterService.state().nodes().nodeExists(node)) return doc;
        recordFailure(name, ((Number) doc.get("building_version")).longValue(),
            new IllegalStateException("the build was interrupted: node [" + node + "] left the cluster"));
        return requireBank(name);
    }

    public Map<String, Object> describe(String name) {
        Map<String, Object> doc = currentBank(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("state", doc.get("state"));
        out.put("version", servingVersion(doc));
        if ("building".equals(doc.get("state"))) {
            out.put("building_version", doc.get("building_version"));
            out.put("build_node", doc.get("build_node"));
        }
        if (doc.get("failure") != null) out.put("failure", doc.get("failure"));
        out.put("definition", BankDefinition.fromMap(name, castMap(doc.get("definition"))).describe());
        if (doc.get("build") != null) out.put("build", doc.get("build"));
        return out;
    }

    public Map<String, Object> list() {
        List<Map<String, Object>> banks = new ArrayList<>();
        for (Map<String, Object> doc : index.listBanks()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", doc.get("bank"));
            row.put("state", doc.get("state"));
            row.put("version", servingVersion(doc));
            Map<String, Object> def = castMap(doc.get("definition"));
            row.put("gallery", def.get("gallery"));
            banks.add(row);
        }
        return Map.of("banks", banks);
    }

    public Map<String, Object> delete(String name) {
        requireBank(name);
        index.deleteBank(name);
        NodeSync s = sync;
        if (s != null) s.deleted(name);
        return Map.of("acknowledged", true, "bank", name);
    }

    /** The serving version of every ready bank, for nodes that start or join. */
    public Map<String, Long> servingVersions() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map<String, Object> doc : index.listBanks()) {
            Long v = servingVersion(doc);
            if (v != null) out.put((String) doc.get("bank"), v);
        }
        return out;
    }

    private Map<String, Object> requireBank(String name) {
        BankDefinition.validateName(name);
        Map<String, Object> doc = index.getBank(name);
        if (doc == null) throw new ResourceNotFoundException("no bank [" + name + "]; create it with PUT /_plugins/_hubness/banks/" + name);
        return doc;
    }

    private static Long servingVersion(Map<String, Object> doc) {
        Object v = doc.get("serving_version");
        return v == null ? null : ((Number) v).longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}

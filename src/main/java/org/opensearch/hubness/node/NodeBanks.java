package org.opensearch.hubness.node;

import org.opensearch.OpenSearchException;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.hubness.bank.BankRegistry;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.cache.CacheWarmer;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.kernel.VectorKernels;
import org.opensearch.hubness.stats.RescoreStats;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one node does for the banks on request: load (and warm) the serving version its cluster state names, say
 * what it holds or refused, clear its cache, report its stats. Lives outside {@code bank/} so that {@code bank/}
 * does not depend on {@code cache/}.
 */
public final class NodeBanks {

    private final ClusterService clusterService;
    private final BankRegistry registry;
    private final DocTermsCache cache;
    private final RescoreStats rescoreStats;

    public NodeBanks(ClusterService clusterService, BankRegistry registry, DocTermsCache cache, RescoreStats rescoreStats) {
        this.clusterService = clusterService;
        this.registry = registry;
        this.cache = cache;
        this.rescoreStats = rescoreStats;
    }

    /** This node's view of one bank: the version it serves, or why it refused the serving one. */
    public record BankOnNode(Long heldVersion, Long refusedVersion, String refusal, long documentsWarmed) {}

    /**
     * Loads the serving version the applied cluster state names (if not held yet) and, with a warmer, fills the cache
     * for the local gallery shards. A refusal (checksum, missing blobs, breaker) is reported, not thrown.
     */
    public BankOnNode load(String bank, CacheWarmer warmer) {
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(bank);
        long warmed = 0;
        if (r != null && r.serving() != null) {
            try {
                LoadedBank loaded = registry.load(bank, r.serving()).bank();
                cache.retainVersions(bank, new HashSet<>(registry.versionsOf(bank)));
                if (warmer != null) warmed = warmer.warm(loaded);
            } catch (OpenSearchException refused) {
                // remembered by the registry; reported below
            }
        }
        return describe(bank, warmed);
    }

    public BankOnNode describe(String bank, long warmed) {
        LoadedBank held = registry.current(bank);
        BankRegistry.Refusal refusal = registry.refusal(bank);
        return new BankOnNode(held == null ? null : held.version(), refusal == null ? null : refusal.version(),
            refusal == null ? null : refusal.reason(), warmed);
    }

    public Map<String, Object> clearCache(String bank) {
        return Map.of("cache_entries_dropped", cache.invalidate(bank, -1));
    }

    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kernel", VectorKernels.implementationName());
        Map<String, Object> banks = new LinkedHashMap<>();
        DocTermsCache.Stats cacheStats = cache.stats();
        Set<String> names = new TreeSet<>(registry.names());
        for (String name : names) {
            LoadedBank b = registry.current(name);
            if (b == null) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", b.version());
            m.put("versions_held", registry.versionsOf(name));
            m.put("query_bank_size", b.queryBankSize());
            m.put("gallery_bank_size", b.galleryBankSize());
            m.put("memory_bytes", b.ramBytesUsed());
            m.put("cache_bytes", cacheStats.bytesPerBank().getOrDefault(name, 0L));
            BankRegistry.Refusal refusal = registry.refusal(name);
            if (refusal != null) m.put("refused", Map.of("version", refusal.version(), "reason", refusal.reason()));
            banks.put(name, m);
        }
        out.put("banks_loaded", banks.size());
        out.put("banks", banks);
        out.put("bank_memory_bytes", registry.ramBytesUsed());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("segments", cacheStats.segments());
        c.put("bytes", cacheStats.bytes());
        c.put("max_bytes", cacheStats.maxBytes());
        c.put("hits", cacheStats.hits());
        c.put("misses", cacheStats.misses());
        c.put("evictions", cacheStats.evictions());
        c.put("refusals", cacheStats.refusals());
        out.put("cache", c);
        RescoreStats.Snapshot r = rescoreStats.snapshot();
        Map<String, Object> rs = new LinkedHashMap<>();
        rs.put("shard_rescores", r.shardRescores());
        rs.put("documents_rescored", r.documentsRescored());
        rs.put("failures", r.failures());
        rs.put("total_millis", r.totalMillis());
        rs.put("mean_millis", r.meanMillis());
        rs.put("max_millis", r.maxMillis());
        out.put("rescore", rs);
        return out;
    }
}

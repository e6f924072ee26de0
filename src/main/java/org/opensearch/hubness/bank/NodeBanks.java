package org.opensearch.hubness.bank;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
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
 * What one node does for the banks: install a version a build finished, forget a deleted bank, clear its cache,
 * report its stats, and load every serving bank when it starts or joins.
 */
public final class NodeBanks {

    private static final Logger LOG = LogManager.getLogger(NodeBanks.class);

    private final BankRegistry registry;
    private final DocTermsCache cache;
    private final RescoreStats rescoreStats;

    public NodeBanks(BankRegistry registry, DocTermsCache cache, RescoreStats rescoreStats) {
        this.registry = registry;
        this.cache = cache;
        this.rescoreStats = rescoreStats;
    }

    /** Makes a version serve on this node and warms the cache for the local gallery shards. */
    public Map<String, Object> install(String bank, long version, CacheWarmer warmer) {
        LoadedBank loaded = registry.version(bank, version);
        if (loaded == null) throw new IllegalStateException("bank [" + bank + "] version " + version + " is not stored");
        registry.install(loaded);
        cache.retainVersions(bank, new HashSet<>(registry.versionsOf(bank)));
        long warmed = warmer == null ? 0 : warmer.warm(loaded);
        return Map.of("bank", bank, "version", registry.current(bank).version(), "documents_warmed", warmed);
    }

    public Map<String, Object> forget(String bank) {
        registry.remove(bank);
        int dropped = cache.invalidate(bank, -1);
        return Map.of("bank", bank, "cache_entries_dropped", dropped);
    }

    public Map<String, Object> clearCache(String bank) {
        return Map.of("cache_entries_dropped", cache.invalidate(bank, -1));
    }

    /** Loads the serving version of every bank this node does not hold yet (node start, join, or missed install). */
    public void loadServing(Map<String, Long> serving, CacheWarmer warmer) {
        for (Map.Entry<String, Long> e : serving.entrySet()) {
            LoadedBank held = registry.current(e.getKey());
            if (held != null && held.version() >= e.getValue()) continue;
            try {
                install(e.getKey(), e.getValue(), warmer);
                LOG.info("loaded bank [{}] version {}", e.getKey(), e.getValue());
            } catch (RuntimeException ex) {
                LOG.warn(() -> "could not load bank [" + e.getKey() + "] version " + e.getValue(), ex);
            }
        }
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

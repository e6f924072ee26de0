package org.opensearch.hubness.node;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.opensearch.OpenSearchException;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.hubness.bank.BankRegistry;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.cache.CacheWarmer;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.kernel.VectorKernels;
import org.opensearch.hubness.stats.RescoreStats;

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

    public NodeBanks(
            ClusterService clusterService, BankRegistry registry, DocTermsCache cache, RescoreStats rescoreStats) {
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
                if (warmer != null) warmed = warmer.warm(loaded);
            } catch (OpenSearchException refused) {
                // remembered by the registry; reported below
            }
        }
        return describe(bank, warmed);
    }

    /**
     * The version {@code serving} names as this node holds it, loaded (and checked against its digest) if it was not
     * yet. Blocking.
     *
     * @throws OpenSearchException when this node refuses the version, with the reason
     */
    public LoadedBank serving(String bank, BankVersion serving) {
        return registry.load(bank, serving).bank();
    }

    public BankOnNode describe(String bank, long warmed) {
        LoadedBank held = registry.current(bank);
        BankRegistry.Refusal refusal = registry.refusal(bank);
        return new BankOnNode(
                held == null ? null : held.version(),
                refusal == null ? null : refusal.version(),
                refusal == null ? null : refusal.reason(),
                warmed);
    }

    /** Drops the cached terms of one bank (or of all, with null); returns how many entries went. */
    public int clearCache(String bank) {
        return cache.invalidate(bank);
    }

    public NodeStats stats() {
        DocTermsCache.Stats cacheStats = cache.stats();
        List<NodeStats.Bank> banks = new ArrayList<>();
        for (String name : new TreeSet<>(registry.names())) {
            LoadedBank b = registry.current(name);
            if (b == null) continue;
            BankRegistry.Refusal refusal = registry.refusal(name);
            banks.add(new NodeStats.Bank(
                    name,
                    b.version(),
                    registry.versionsOf(name),
                    b.queryBankSize(),
                    b.galleryBankSize(),
                    b.ramBytesUsed(),
                    cacheStats.bytesPerBank().getOrDefault(name, 0L),
                    refusal == null ? null : refusal.version(),
                    refusal == null ? null : refusal.reason()));
        }
        RescoreStats.Snapshot r = rescoreStats.snapshot();
        return new NodeStats(
                VectorKernels.implementationName(),
                banks,
                registry.ramBytesUsed(),
                new NodeStats.Cache(
                        cacheStats.segments(),
                        cacheStats.bytes(),
                        cacheStats.maxBytes(),
                        cacheStats.hits(),
                        cacheStats.misses(),
                        cacheStats.evictions(),
                        cacheStats.refusals()),
                new NodeStats.Rescore(
                        r.shardRescores(),
                        r.documentsRescored(),
                        r.failures(),
                        r.totalMillis(),
                        r.meanMillis(),
                        r.maxMillis()));
    }
}

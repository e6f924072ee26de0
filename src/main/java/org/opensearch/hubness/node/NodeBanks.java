package org.opensearch.hubness.node;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.cache.CacheWarmer;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.capture.QueryCapture;
import org.opensearch.hubness.kernel.VectorKernels;
import org.opensearch.hubness.stats.PolicyStats;
import org.opensearch.hubness.stats.RescoreStats;

/**
 * What one node does for the banks on request: say what it holds, refused or keeps retrying (now, or once it has
 * settled on a build), clear its cache, report its stats. Lives outside {@code bank/} so that {@code bank/}
 * does not depend on {@code cache/}.
 */
public final class NodeBanks {

    private final BankRegistry registry;
    private final DocTermsCache cache;
    private final RescoreStats rescoreStats;
    private final BankSync sync;
    private final PolicyStats policyStats;
    private final QueryCapture capture;

    public NodeBanks(
            BankRegistry registry,
            DocTermsCache cache,
            RescoreStats rescoreStats,
            BankSync sync,
            PolicyStats policyStats,
            QueryCapture capture) {
        this.policyStats = policyStats;
        this.capture = capture;
        this.registry = registry;
        this.cache = cache;
        this.rescoreStats = rescoreStats;
        this.sync = sync;
    }

    /**
     * This node's view of one bank: the version it serves, the version it refused and why, and the transient failures
     * of a version it keeps trying to read (null when none).
     */
    public record BankOnNode(Long heldVersion, Refused refused, BankSync.Retry retrying) {}

    /**
     * The version {@code serving} names as this node holds it, loaded (and checked against its digest) if it was not
     * yet. Blocking.
     *
     * @throws OpenSearchException when this node refuses the version, with the reason
     */
    public LoadedBank serving(String bank, BankVersion serving) {
        return registry.load(bank, serving).bank();
    }

    /** A version this node refused: why, and the status a search through it gets (429 breaker, 503 blobs). */
    public record Refused(long version, String reason, RestStatus status) {}

    /** What this node serves, refused or keeps retrying of the bank, now. */
    public BankOnNode describe(String bank) {
        LoadedBank held = registry.current(bank);
        BankRegistry.Refusal refusal = registry.refusal(bank);
        return new BankOnNode(
                held == null ? null : held.version(),
                refusal == null ? null : new Refused(refusal.version(), refusal.reason(), refusal.status()),
                sync.retrying(bank));
    }

    /**
     * This node's view once it has settled on the build (holds it, refused it, or no longer needs it), or when the
     * timeout passes first; a null build id answers at once. Loading is left to {@link BankSync}, which pulls the
     * version from the cluster state: this only listens.
     */
    public void describeWhenSettled(String bank, String buildId, TimeValue timeout, ActionListener<BankOnNode> l) {
        if (buildId == null) {
            l.onResponse(describe(bank));
            return;
        }
        sync.awaitSettled(bank, buildId, timeout, ActionListener.map(l, settled -> describe(bank)));
    }

    /** Warms the cache after every load from now on (wired when the node's indices service exists). */
    public void warmLoadsWith(CacheWarmer warmer) {
        sync.warmWith(warmer);
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
                        r.maxMillis()),
                policy(),
                capture.stats());
    }

    private NodeStats.Policy policy() {
        PolicyStats.Snapshot p = policyStats.snapshot();
        return new NodeStats.Policy(p.checks(), p.rebuildsStarted(), p.rebuildsNotStarted(), p.checkFailures());
    }
}

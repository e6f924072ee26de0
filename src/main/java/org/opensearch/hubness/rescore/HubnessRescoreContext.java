package org.opensearch.hubness.rescore;

import java.util.Set;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.cache.BankTermsLookup;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.stats.RescoreStats;
import org.opensearch.search.rescore.RescoreContext;

/** The per-shard state of one hubness rescore: the pinned bank version, the node's cache and the resolved request. */
public final class HubnessRescoreContext extends RescoreContext {

    private final LoadedBank bank;
    private final DocTermsCache cache;
    private final BankTermsLookup bankTerms;
    private final RescoreStats stats;
    private final RescoreSpec spec;
    /** null until the window is rescored (or the fetch phase restored it), as OpenSearch's own field */
    private RescoredDocs rescored;

    /**
     * @param cache may be null: the bank terms are then computed for every window document
     * @param stats may be null
     */
    public HubnessRescoreContext(
            int windowSize, LoadedBank bank, DocTermsCache cache, RescoreStats stats, RescoreSpec spec) {
        super(windowSize, HubnessRescorer.INSTANCE);
        if (spec.preparedQuery().length != bank.dimension()) {
            throw new IllegalArgumentException("[query_vector] has dimension " + spec.preparedQuery().length
                    + " but bank [" + bank.name() + "] has dimension " + bank.dimension());
        }
        this.bank = bank;
        this.cache = cache;
        this.bankTerms = cache == null ? null : cache.lookup(bank);
        this.stats = stats;
        this.spec = spec;
    }

    public LoadedBank bank() {
        return bank;
    }

    public DocTermsCache cache() {
        return cache;
    }

    /** This request's view of the cache (null without a cache): each segment's entry found once. */
    public BankTermsLookup bankTerms() {
        return bankTerms;
    }

    public RescoreStats stats() {
        return stats;
    }

    public RescoreSpec spec() {
        return spec;
    }

    /** Records the first n of docs as the window's rescored documents, without boxing them. */
    void setRescored(int[] docs, int n) {
        rescored = RescoredDocs.of(docs, n);
    }

    @Override
    public void setRescoredDocs(Set<Integer> docIds) {
        rescored = docIds == null ? null : RescoredDocs.of(docIds);
    }

    @Override
    public boolean isRescored(int docId) {
        return rescored != null && rescored.contains(docId);
    }

    @Override
    public Set<Integer> getRescoredDocs() {
        return rescored;
    }
}

package org.opensearch.hubness.rescore;

import java.util.function.Function;
import java.util.function.Predicate;
import org.opensearch.hubness.bank.BankLookup;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.capture.QueryCapture;
import org.opensearch.hubness.field.FieldSpecCache;
import org.opensearch.hubness.stats.RescoreStats;

/**
 * The node's plugin services, created in createComponents. The rescorer's parser is registered before that, so it
 * captures this holder and reads the services when a request arrives.
 */
public final class HubnessServices {

    private volatile BankLookup banks;
    private volatile DocTermsCache cache;
    private final RescoreStats rescoreStats = new RescoreStats();
    private final FieldSpecCache fieldSpecs = new FieldSpecCache();
    private volatile Predicate<String> knnSearchable = index -> true;
    private volatile QueryCapture capture;
    private volatile Function<String, String> waitingGallery = bank -> null;

    public void init(BankLookup banks, DocTermsCache cache) {
        this.banks = banks;
        this.cache = cache;
    }

    public BankLookup banks() {
        if (banks == null) throw new IllegalStateException("the hubness plugin is not initialised on this node yet");
        return banks;
    }

    public DocTermsCache cache() {
        if (cache == null) throw new IllegalStateException("the hubness plugin is not initialised on this node yet");
        return cache;
    }

    /** The node's verdicts on the vector fields the rescorer reads, per mapping version. */
    public FieldSpecCache fieldSpecs() {
        return fieldSpecs;
    }

    /** Sets the check whether k-NN can answer {@code knn} queries on an index (its {@code index.knn} setting). */
    public void knnSearchable(Predicate<String> check) {
        this.knnSearchable = check;
    }

    /** Whether k-NN can answer {@code knn} queries on the index (true when this node does not know it). */
    public boolean knnSearchable(String index) {
        return knnSearchable.test(index);
    }

    public void capture(QueryCapture capture) {
        this.capture = capture;
    }

    /** Offers a pinned search's query vector to capture (a no-op for a bank that does not capture). */
    public void captureQuery(String bank, float[] queryVector) {
        QueryCapture c = capture;
        if (c != null) c.offer(bank, queryVector);
    }

    /** Sets the lookup of {@link #waitingGallery}. */
    public void waitingGallery(Function<String, String> lookup) {
        this.waitingGallery = lookup;
    }

    /**
     * The gallery index of a bank that captures without a seed and has no version yet (it waits for captured query
     * vectors: searches pass through unchanged and capture); null for any other bank.
     */
    public String waitingGallery(String bank) {
        return waitingGallery.apply(bank);
    }

    public RescoreStats rescoreStats() {
        return rescoreStats;
    }
}

package org.opensearch.hubness.rescore;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.opensearch.search.rescore.RescoreContext;
import org.opensearch.search.rescore.Rescorer;

/**
 * The rescorer of a bank that is waiting for its first captured query vectors ({@code query_bank.captured} without a
 * seed, no version yet): the search answers what its query found, unchanged, while the coordinator captured its
 * vector. A user who added captured-only banks expects searches to keep working and the bank to fill from them.
 */
final class WaitingBankRescorer implements Rescorer {

    static final WaitingBankRescorer INSTANCE = new WaitingBankRescorer();

    private WaitingBankRescorer() {}

    static RescoreContext context(int windowSize) {
        return new RescoreContext(windowSize, INSTANCE);
    }

    @Override
    public TopDocs rescore(TopDocs topDocs, IndexSearcher searcher, RescoreContext rescoreContext) {
        return topDocs;
    }

    @Override
    public Explanation explain(
            int topLevelDocId, IndexSearcher searcher, RescoreContext rescoreContext, Explanation sourceExplanation) {
        return Explanation.match(
                sourceExplanation.getValue(),
                "hubness: the bank has no version yet (it waits for captured query vectors); score unchanged",
                sourceExplanation);
    }
}

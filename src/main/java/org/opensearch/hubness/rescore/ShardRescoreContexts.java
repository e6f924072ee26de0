package org.opensearch.hubness.rescore;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.field.VectorFieldSpec;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder.Pinned;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.rescore.RescoreContext;

/**
 * Turns a pinned request into one shard's rescore context: the pinned bank version, the checked field, the spec. The
 * checks that guard a bank's data run here, where the bank meets the shard, because a clause reaches a shard by paths
 * no earlier check sees (explicit, a search pipeline's processor, {@code _msearch}, a point in time).
 */
final class ShardRescoreContexts {

    private ShardRescoreContexts() {}

    static RescoreContext build(
            RescoreClause request, Pinned pinned, HubnessServices services, int windowSize, QueryShardContext context) {
        requireWindow(windowSize);
        if (pinned == null) {
            throw new IllegalStateException(
                    "the [hubness] rescorer reached a shard without being resolved (pinned) on the "
                            + "coordinating node; it must be sent through the search API, whose rewrite pins the bank version and gates");
        }
        String bank = request.bank();
        // first: another index learns nothing of the bank, not even whether its version is loaded here
        requireGallery(bank, pinned.galleryIndex(), context.index().getName());
        if (pinned.waiting()) return WaitingBankRescorer.context(windowSize);
        LoadedBank b = pinnedVersion(services, bank, pinned);
        if (request.queryVector().length != b.dimension()) BankPinning.validate(request, b);
        String f = request.field() != null ? request.field() : b.galleryField();
        VectorFieldSpec field = services.fieldSpecs().forShard(context, f);
        if (field.dimension() != b.dimension()) {
            throw new IllegalArgumentException(
                    "[hubness] field [" + f + "] has dimension " + field.dimension() + " but bank [" + b.name()
                            + "] has dimension " + b.dimension() + "; use a bank built for this field");
        }
        RescoreSpec spec = new RescoreSpec(
                f,
                b.similarity().prepare(request.queryVector()),
                pinned.method(),
                BankPinning.effectiveParams(request, b),
                request.betaQuery() != null || request.betaGallery() != null,
                pinned.gateQuery(),
                pinned.gateGallery(),
                pinned.top1Id(),
                BankPinning.top1For(services, b, request.top1()), // index.knn is fixed at creation: as the coordinator
                request.scoreMode(),
                request.queryWeight(),
                request.rescoreQueryWeight());
        return new HubnessRescoreContext(windowSize, b, services.cache(), services.rescoreStats(), spec);
    }

    /** The version the coordinator pinned, as this node holds it; a retryable 503 when it vanished meanwhile. */
    static LoadedBank pinnedVersion(HubnessServices services, String bank, Pinned pinned) {
        LoadedBank b = services.banks().version(bank, pinned.bankVersion());
        if (b == null) {
            throw new OpenSearchStatusException(
                    "bank [" + bank + "] version [" + pinned.bankVersion() + "] is not loaded on "
                            + "this node (it was rebuilt or deleted while the search ran); retry the search",
                    RestStatus.SERVICE_UNAVAILABLE);
        }
        return b;
    }

    /**
     * A bank's terms and activation sets describe its gallery's documents only: on another index they would normalise
     * with the wrong statistics and let a searcher of that index probe the bank. The message names the bank and the
     * searched index but not the gallery, which the searcher may not be allowed to read.
     */
    static void requireGallery(String bank, String galleryIndex, String searchedIndex) {
        if (!searchedIndex.equals(galleryIndex)) {
            throw new IllegalArgumentException("bank [" + bank + "] cannot rescore index [" + searchedIndex
                    + "]: a bank rescores only the gallery index it was built over; search that index with it, or "
                    + "build a bank over [" + searchedIndex + "]");
        }
    }

    /** OpenSearch passes any window on (-1 allocated a negative array): the plugin says what to fix. */
    static void requireWindow(Integer windowSize) {
        if (windowSize != null && windowSize < 1) {
            throw new IllegalArgumentException("[window_size] of a [hubness] rescore must be at least 1 (the hits per "
                    + "shard to rescore, at least from + size), got " + windowSize);
        }
    }
}

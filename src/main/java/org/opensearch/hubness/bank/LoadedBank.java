package org.opensearch.hubness.bank;

import java.util.Set;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/**
 * One built version of a bank, as a node holds it in memory: the prepared bank vectors (unit length for cosine),
 * the parameters it was built with, and the activation sets as gallery document ids. Immutable, so a search can keep
 * using the version it pinned while a rebuild swaps in the next one. {@code buildId} is the build's unique id: version
 * numbers start again at 1 when a bank is deleted and defined anew, so only the build id tells two builds apart.
 * {@code queryHubs} and {@code galleryHubs} are each bank's hubs (null without that bank, and both null for a version
 * built before the build recorded hubs).
 */
public record LoadedBank(
        String name,
        long version,
        String buildId,
        String galleryIndex,
        String galleryField,
        int dimension,
        Similarity similarity,
        NormParams params,
        float[] queryBank,
        int queryBankSize,
        float[] galleryBank,
        int galleryBankSize,
        Set<String> queryActivation,
        Set<String> galleryActivation,
        BankHubs queryHubs,
        BankHubs galleryHubs) {

    /** Whether the build recorded this version's hubs (versions built before it did have none). */
    public boolean hasHubs() {
        return queryHubs != null || galleryHubs != null;
    }

    public boolean hasQueryBank() {
        return queryBankSize > 0;
    }

    public boolean hasGalleryBank() {
        return galleryBankSize > 0;
    }

    /** The method used when a request names none: DBNorm's dual_is with both banks, QB-Norm's is with one. */
    public Method defaultMethod() {
        if (hasQueryBank() && hasGalleryBank()) return Method.DUAL_IS;
        if (hasQueryBank()) return Method.IS;
        return Method.NONE;
    }

    /** Null when the method can run on this bank, else a message that says what to fix. */
    public String unsupportedReason(Method method) {
        if (method.needsQueryBank() && !hasQueryBank()) {
            return "method [" + method.externalName() + "] needs a query bank, but bank [" + name + "] has none; "
                    + "rebuild it with a [query_bank] or choose another method";
        }
        if (method.needsGalleryBank() && !hasGalleryBank()) {
            return "method [" + method.externalName() + "] needs a gallery bank, but bank [" + name + "] has none; "
                    + "rebuild it with a [gallery_bank] or choose [is], [dis], [csls] or [nnn]";
        }
        return null;
    }

    /** Heap held by the vectors and activation sets, for the circuit breaker and stats. */
    public long ramBytesUsed() {
        long vectors =
                4L * ((queryBank == null ? 0 : queryBank.length) + (galleryBank == null ? 0 : galleryBank.length));
        long ids =
                64L * (queryActivation.size() + galleryActivation.size() + hubCount(queryHubs) + hubCount(galleryHubs));
        return vectors + ids + 256;
    }

    private static int hubCount(BankHubs hubs) {
        return hubs == null ? 0 : hubs.hubs().size();
    }
}

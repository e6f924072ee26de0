package org.opensearch.hubness.cache;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.opensearch.hubness.bank.LoadedBank;

/**
 * One rescore's view of the cache for one bank version. A window's documents come segment by segment, so each
 * segment's entry is found once per request (one cache lookup, which touches the cache's LRU list, per segment, not
 * per document); a document's terms are then read without a lock and missing ones computed outside every lock. One
 * per shard request, used by one thread at a time.
 */
public final class BankTermsLookup {

    /** A segment's cache entry for this bank, or why there is none. */
    private record Slot(SegmentTerms terms, boolean cacheable) {}

    private static final Slot UNCACHEABLE = new Slot(null, false);

    private final DocTermsCache cache;
    private final LoadedBank bank;
    private final Map<LeafReader, Slot> slots = new IdentityHashMap<>();
    private LeafReader lastLeaf;
    private Slot lastSlot;

    BankTermsLookup(DocTermsCache cache, LoadedBank bank) {
        this.cache = cache;
        this.bank = bank;
    }

    /**
     * The terms of one document (segment doc id) from its prepared vector: from the cache, or computed and kept there
     * (computed and not kept when the budget or the breaker refused the segment). Null when the segment has no cache
     * key: the caller computes the terms itself.
     */
    public DocTermValues get(LeafReaderContext leaf, int doc, float[] preparedVector) {
        Slot slot = slot(leaf.reader());
        return slot.cacheable() ? cache.terms(bank, slot.terms(), doc, preparedVector) : null;
    }

    /**
     * The cached terms of one document (segment doc id), or null when they are not cached (or the segment cannot be):
     * a hit needs no prepared vector, so the caller prepares one only for {@link #get} after a null.
     */
    public DocTermValues stored(LeafReaderContext leaf, int doc) {
        Slot slot = slot(leaf.reader());
        return slot.cacheable() ? cache.stored(slot.terms(), doc) : null;
    }

    private Slot slot(LeafReader reader) {
        if (reader != lastLeaf) {
            lastSlot = slots.computeIfAbsent(reader, r -> {
                Object key = cache.segmentKey(r);
                return key == null ? UNCACHEABLE : new Slot(cache.segment(bank, key, r.maxDoc()), true);
            });
            lastLeaf = reader;
        }
        return lastSlot;
    }
}

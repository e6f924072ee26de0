package org.opensearch.hubness.cache;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.opensearch.common.cache.Cache;
import org.opensearch.common.cache.CacheBuilder;
import org.opensearch.common.cache.RemovalNotification;
import org.opensearch.common.cache.RemovalReason;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.DocTerms;

/**
 * Per node: the bank terms of gallery documents, one entry per (bank, build, segment), least recently used first
 * out. Keyed by build id, not version number: a bank deleted and defined anew starts again at version 1, and a build
 * that a DELETE overtook may still be writing its terms. Bounded by a byte budget that can change at runtime, and every entry is accounted in the plugin's circuit
 * breaker: when the breaker refuses, the terms are computed for the request and not kept, so a search never fails or
 * runs the node out of memory for the cache's sake.
 *
 * <p>The entries live in OpenSearch's {@link Cache} (segmented map, LRU by weight = the entry's bytes): a rescore finds
 * each segment's entry once per request ({@link BankTermsLookup}), and a document's terms are read from the entry
 * without a lock ({@link SegmentTerms}). The cache's removal listener gives every removed entry's bytes back to the
 * breaker, whatever removed it (eviction, a closed segment, a dropped build, the clear-cache API).
 */
public final class DocTermsCache {

    /** What identifies a cache entry; segmentKey comes from {@link #segmentKey}. */
    public record Key(String bank, String buildId, Object segmentKey) {}

    private record Entry(String bank, SegmentTerms terms, long bytes) {}

    private final Set<Object> watched = ConcurrentHashMap.newKeySet();
    private final Cache<Key, Entry> entries;
    private final LongSupplier maxBytes;
    private volatile CircuitBreaker breaker;
    // counted per window document by concurrent searches: adders, not one contended atomic
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    public DocTermsCache(LongSupplier maxBytes) {
        this.maxBytes = maxBytes;
        this.entries = CacheBuilder.<Key, Entry>builder()
                .setMaximumWeight(Math.max(0, maxBytes.getAsLong()))
                .weigher((key, entry) -> entry.bytes())
                .removalListener(this::removed)
                .build();
    }

    public void setBreaker(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    private void removed(RemovalNotification<Key, Entry> removal) {
        if (removal.getRemovalReason() == RemovalReason.EVICTED) evictions.incrementAndGet();
        releaseBytes(removal.getValue().bytes());
    }

    private void releaseBytes(long bytes) {
        CircuitBreaker b = breaker;
        if (b != null) b.addWithoutBreaking(-bytes);
    }

    /** The terms of one document (segment doc id), computed from its prepared vector when not cached yet. */
    public DocTermValues get(LoadedBank bank, Object segmentKey, int maxDoc, int doc, float[] preparedVector) {
        return terms(bank, segment(bank, segmentKey, maxDoc), doc, preparedVector);
    }

    /** A rescore's lookup: finds each segment's entry once per request instead of once per document. */
    public BankTermsLookup lookup(LoadedBank bank) {
        return new BankTermsLookup(this, bank);
    }

    /** A document's terms if its segment's entry holds them (a hit, counted), else null (nothing counted). */
    DocTermValues stored(SegmentTerms segment, int doc) {
        DocTermValues stored = segment == null ? null : segment.stored(doc);
        if (stored != null) hits.increment();
        return stored;
    }

    /** A document's terms from its segment's entry (null: refused, not kept); a miss is computed outside every lock. */
    DocTermValues terms(LoadedBank bank, SegmentTerms segment, int doc, float[] preparedVector) {
        DocTermValues stored = segment == null ? null : segment.stored(doc);
        if (stored != null) {
            hits.increment();
            return stored;
        }
        misses.increment();
        DocTerms t = PackedBanks.terms(bank, preparedVector, bank.params());
        return segment == null ? DocTermValues.of(t, 0) : segment.store(doc, t);
    }

    /** Stores terms computed in bulk for docs of one segment (a bank build or warm-up); false if refused. */
    public boolean putAll(LoadedBank bank, Object segmentKey, int maxDoc, int[] docs, DocTerms terms) {
        SegmentTerms segment = segment(bank, segmentKey, maxDoc);
        if (segment == null) return false;
        segment.putAll(docs, terms);
        return true;
    }

    /** The entry of (bank build, segment) if there is one, else null. */
    SegmentTerms existing(LoadedBank bank, Object segmentKey) {
        Entry entry = entries.get(new Key(bank.name(), bank.buildId(), segmentKey));
        return entry == null ? null : entry.terms();
    }

    /** The entry of (bank build, segment), created empty when there is room; null when budget or breaker refuse. */
    SegmentTerms segment(LoadedBank bank, Object segmentKey, int maxDoc) {
        Key key = new Key(bank.name(), bank.buildId(), segmentKey);
        Entry entry = entries.get(key);
        if (entry != null) return entry.terms();
        long need = SegmentTerms.bytesFor(maxDoc);
        long budget = budget();
        if (need > budget) {
            refusals.incrementAndGet();
            return null;
        }
        // room first, so the bytes of the entries that leave are back in the breaker before the new ones are asked for
        evictUntil(budget - need);
        CircuitBreaker b = breaker;
        if (b != null) {
            try {
                b.addEstimateBytesAndMaybeBreak(need, "hubness doc terms [" + bank.name() + "]");
            } catch (CircuitBreakingException e) {
                refusals.incrementAndGet();
                return null;
            }
        }
        Entry[] created = new Entry[1];
        try {
            entry = entries.computeIfAbsent(key, k -> created[0] = new Entry(k.bank(), new SegmentTerms(maxDoc), need));
        } catch (ExecutionException e) {
            releaseBytes(need);
            throw new IllegalStateException(e.getCause());
        }
        if (entry != created[0]) releaseBytes(need); // another thread made it first: only its bytes are accounted
        return entry.terms();
    }

    /** The budget now (the setting is dynamic), also given to the cache for its own evictions. */
    private long budget() {
        long budget = Math.max(0, maxBytes.getAsLong());
        if (entries.getMaximumWeight() != budget) entries.setMaximumWeight(budget);
        return budget;
    }

    /** Removes least recently used entries until the cache holds at most {@code budget} bytes. */
    private void evictUntil(long budget) {
        if (entries.weight() <= Math.max(0, budget)) return;
        List<Key> newestFirst = new ArrayList<>();
        for (Key k : entries.keys()) newestFirst.add(k);
        for (int i = newestFirst.size() - 1; i >= 0 && entries.weight() > Math.max(0, budget); i--) {
            entries.invalidate(newestFirst.get(i));
            evictions.incrementAndGet();
        }
    }

    /**
     * The cache key of a segment (its core, so entries survive deletes but not merges), or null when the segment has
     * none. The first time a segment is seen, a listener is registered that drops its entries when the segment closes,
     * so terms of merged-away segments do not wait for the LRU to leave.
     */
    public Object segmentKey(LeafReaderContext leaf) {
        return segmentKey(leaf.reader());
    }

    Object segmentKey(LeafReader reader) {
        IndexReader.CacheHelper helper = reader.getCoreCacheHelper();
        if (helper == null) return null;
        IndexReader.CacheKey key = helper.getKey();
        if (watched.add(key)) {
            helper.addClosedListener(closed -> {
                watched.remove(closed);
                invalidateSegment(closed);
            });
        }
        return key;
    }

    /** Drops the entries of a bank, or all with null. */
    public int invalidate(String bank) {
        PackedBanks.forget(bank);
        return removeIf(k -> bank == null || k.bank().equals(bank));
    }

    public int invalidateSegment(Object segmentKey) {
        return removeIf(k -> k.segmentKey() == segmentKey);
    }

    /** Keeps only the given builds of a bank (those the cluster state names: serving, previous, building). */
    public int retainBuilds(String bank, Set<String> buildIds) {
        return removeIf(k -> k.bank().equals(bank) && !buildIds.contains(k.buildId()));
    }

    /** The banks that have entries. */
    public Set<String> banks() {
        Set<String> names = new HashSet<>();
        for (Entry e : entries.values()) names.add(e.bank());
        return names;
    }

    private int removeIf(Predicate<Key> doomed) {
        List<Key> keys = new ArrayList<>();
        for (Key k : entries.keys()) if (doomed.test(k)) keys.add(k);
        for (Key k : keys) entries.invalidate(k); // the removal listener gives the bytes back
        return keys.size();
    }

    /** Shrinks to a lowered budget (the setting is dynamic). */
    public void enforceBudget() {
        evictUntil(budget());
    }

    public Stats stats() {
        Map<String, Long> perBank = new LinkedHashMap<>();
        int segments = 0;
        long bytes = 0;
        for (Entry e : entries.values()) {
            perBank.merge(e.bank(), e.bytes(), Long::sum);
            segments++;
            bytes += e.bytes();
        }
        return new Stats(
                segments,
                bytes,
                maxBytes.getAsLong(),
                hits.sum(),
                misses.sum(),
                evictions.get(),
                refusals.get(),
                perBank);
    }

    public record Stats(
            int segments,
            long bytes,
            long maxBytes,
            long hits,
            long misses,
            long evictions,
            long refusals,
            Map<String, Long> bytesPerBank) {}
}

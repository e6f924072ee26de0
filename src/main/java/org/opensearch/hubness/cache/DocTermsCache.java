package org.opensearch.hubness.cache;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
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
 */
public final class DocTermsCache {

    /** What identifies a cache entry; segmentKey comes from {@link #segmentKey}. */
    public record Key(String bank, String buildId, Object segmentKey) {}

    private final Set<Object> watched = ConcurrentHashMap.newKeySet();
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final LongSupplier maxBytes;
    private volatile CircuitBreaker breaker;
    private long bytes;
    // counted per window document by concurrent searches: adders, not one contended atomic
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    private record Entry(SegmentTerms terms, long bytes) {}

    public DocTermsCache(LongSupplier maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void setBreaker(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    /** The terms of one document (segment doc id), computed from its prepared vector when not cached yet. */
    public DocTermValues get(LoadedBank bank, Object segmentKey, int maxDoc, int doc, float[] preparedVector) {
        return terms(bank, segment(bank, segmentKey, maxDoc), doc, preparedVector);
    }

    /** A rescore's lookup: finds each segment's entry once per request instead of once per document. */
    public BankTermsLookup lookup(LoadedBank bank) {
        return new BankTermsLookup(this, bank);
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

    /** The entry of (bank build, segment) if there is one (no LRU touch), else null. */
    synchronized SegmentTerms existing(LoadedBank bank, Object segmentKey) {
        Entry entry = entries.get(new Key(bank.name(), bank.buildId(), segmentKey));
        return entry == null ? null : entry.terms();
    }

    /** The entry of (bank build, segment), created empty when there is room; null when budget or breaker refuse. */
    SegmentTerms segment(LoadedBank bank, Object segmentKey, int maxDoc) {
        Key key = new Key(bank.name(), bank.buildId(), segmentKey);
        long need = SegmentTerms.bytesFor(maxDoc);
        synchronized (this) {
            Entry entry = entries.get(key);
            if (entry != null) {
                return entry.terms();
            }
            if (need > maxBytes.getAsLong()) {
                refusals.incrementAndGet();
                return null;
            }
            evictUntil(maxBytes.getAsLong() - need);
            CircuitBreaker b = breaker;
            if (b != null) {
                try {
                    b.addEstimateBytesAndMaybeBreak(need, "hubness doc terms [" + bank.name() + "]");
                } catch (CircuitBreakingException e) {
                    refusals.incrementAndGet();
                    return null;
                }
            }
            SegmentTerms terms = new SegmentTerms(maxDoc);
            entries.put(key, new Entry(terms, need));
            bytes += need;
            return terms;
        }
    }

    private void evictUntil(long budget) {
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (bytes > Math.max(0, budget) && it.hasNext()) {
            Entry e = it.next().getValue();
            it.remove();
            release(e);
            evictions.incrementAndGet();
        }
    }

    private void release(Entry e) {
        bytes -= e.bytes();
        CircuitBreaker b = breaker;
        if (b != null) b.addWithoutBreaking(-e.bytes());
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
    public synchronized int invalidate(String bank) {
        return removeIf(k -> bank == null || k.bank().equals(bank));
    }

    public synchronized int invalidateSegment(Object segmentKey) {
        return removeIf(k -> k.segmentKey() == segmentKey);
    }

    /** Keeps only the given builds of a bank (those the cluster state names: serving, previous, building). */
    public synchronized int retainBuilds(String bank, Set<String> buildIds) {
        return removeIf(k -> k.bank().equals(bank) && !buildIds.contains(k.buildId()));
    }

    /** The banks that have entries. */
    public synchronized Set<String> banks() {
        Set<String> names = new HashSet<>();
        for (Key k : entries.keySet()) names.add(k.bank());
        return names;
    }

    private int removeIf(java.util.function.Predicate<Key> doomed) {
        List<Key> keys = new ArrayList<>();
        for (Key k : entries.keySet()) if (doomed.test(k)) keys.add(k);
        for (Key k : keys) release(entries.remove(k));
        return keys.size();
    }

    /** Shrinks to a lowered budget (the setting is dynamic). */
    public synchronized void enforceBudget() {
        evictUntil(maxBytes.getAsLong());
    }

    public synchronized Stats stats() {
        Map<String, Long> perBank = new LinkedHashMap<>();
        for (Map.Entry<Key, Entry> e : entries.entrySet())
            perBank.merge(e.getKey().bank(), e.getValue().bytes(), Long::sum);
        return new Stats(
                entries.size(),
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

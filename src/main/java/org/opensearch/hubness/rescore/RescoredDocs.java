package org.opensearch.hubness.rescore;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The doc ids a shard rescored, as a sorted int array behind the {@link Set} view OpenSearch's {@code RescoreContext}
 * hands around: recording a window boxes nothing, and explain's membership test is a binary search. Immutable.
 */
final class RescoredDocs extends AbstractSet<Integer> {

    static final RescoredDocs NONE = new RescoredDocs(new int[0]);

    private final int[] sorted;

    private RescoredDocs(int[] sorted) {
        this.sorted = sorted;
    }

    /** The first n of docs (distinct doc ids, any order); docs is not kept. */
    static RescoredDocs of(int[] docs, int n) {
        int[] sorted = Arrays.copyOf(docs, n);
        Arrays.sort(sorted);
        return new RescoredDocs(sorted);
    }

    /** A set handed in by OpenSearch (the fetch phase of a separate request restores what the query phase rescored). */
    static RescoredDocs of(Set<Integer> docs) {
        if (docs == null) return NONE;
        if (docs instanceof RescoredDocs r) return r;
        int[] a = new int[docs.size()];
        int n = 0;
        for (int doc : docs) a[n++] = doc;
        return of(a, n);
    }

    boolean contains(int doc) {
        return Arrays.binarySearch(sorted, doc) >= 0;
    }

    @Override
    public boolean contains(Object o) {
        return o instanceof Integer doc && contains(doc.intValue());
    }

    @Override
    public int size() {
        return sorted.length;
    }

    @Override
    public Iterator<Integer> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < sorted.length;
            }

            @Override
            public Integer next() {
                if (next >= sorted.length) throw new NoSuchElementException();
                return sorted[next++];
            }
        };
    }
}

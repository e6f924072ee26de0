package org.opensearch.hubness.cache;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;

/** The cache key of a segment: its core, so the entry survives deletes (new live docs) but not merges. */
public final class SegmentKeys {

    private SegmentKeys() {}

    public static Object of(LeafReaderContext leaf) {
        IndexReader.CacheHelper helper = leaf.reader().getCoreCacheHelper();
        return helper == null ? null : helper.getKey();
    }
}

/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.util.Bits;
import org.opensearch.hubness.vectors.LeafVectorReader;

/**
 * The bank vectors one shard copy contributes: of its live documents with a vector in the field, the {@code limit}
 * with the smallest (hash(seed, _id), _id). The coordinator merges the shards' lists and keeps the overall smallest
 * {@code limit}, in that order, so the sample (and the bank's row order) depends only on the documents and the seed,
 * never on the shard layout; vectors come from Lucene, so {@code _source} is not needed.
 */
public final class ShardSample {

    /** One chosen document. */
    public record Row(long key, String id, float[] vector) {}

    /** Smaller key first, then smaller id: the order of the sample and of the bank's rows. */
    public static final Comparator<Row> ORDER =
            Comparator.comparingLong(Row::key).thenComparing(Row::id);

    private ShardSample() {}

    public static List<Row> run(IndexReader reader, String field, int dimension, int limit, long seed)
            throws IOException {
        PriorityQueue<Row> largestFirst = new PriorityQueue<>(ORDER.reversed());
        for (LeafReaderContext leaf : reader.leaves()) {
            LeafVectorReader.SegmentVectors vectors = LeafVectorReader.open(leaf.reader(), field, dimension);
            DocKeys.SegmentIds ids = new DocKeys.SegmentIds(leaf.reader());
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = 0, maxDoc = leaf.reader().maxDoc(); doc < maxDoc; doc++) {
                if (live != null && !live.get(doc)) continue;
                float[] v = vectors.read(doc);
                if (v == null) continue;
                String id = ids.id(doc);
                Row row = new Row(DocKeys.of(id, seed), id, v);
                if (largestFirst.size() < limit) {
                    largestFirst.add(row);
                } else if (ORDER.compare(row, largestFirst.peek()) < 0) {
                    largestFirst.poll();
                    largestFirst.add(row);
                }
            }
        }
        List<Row> out = new ArrayList<>(largestFirst);
        out.sort(ORDER);
        return out;
    }

    /** The overall first {@code limit} rows of the shards' lists. */
    public static List<Row> merge(List<List<Row>> shards, int limit) {
        List<Row> all = new ArrayList<>();
        for (List<Row> s : shards) all.addAll(s);
        all.sort(ORDER);
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }
}

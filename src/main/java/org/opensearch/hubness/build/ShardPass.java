/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.util.Bits;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.GalleryBlock;
import org.opensearch.hubness.norm.GalleryPass;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.vectors.LeafVectorReader;

/**
 * One shard copy's part of a bank build: reads every live document's vector straight from Lucene, segment by segment,
 * in chunks of a few steps, and runs the {@link GalleryPass} over each chunk on the build pool while the next chunk is
 * read. The terms go to a {@link TermsTarget} (the node's cache), the activation lists and report into one
 * {@link PassPartial}, and the {@code _id} of every document the partial's lists name (activation sets and hubs) is kept, so the
 * coordinator can name the activation sets. Memory: two chunks of vectors plus the running steps.
 */
public final class ShardPass {

    /** Receives the terms of documents of one segment (segment doc ids, in the order of the terms). */
    @FunctionalInterface
    public interface TermsTarget {
        void put(LeafReaderContext leaf, int[] segmentDocs, DocTerms terms);
    }

    /** The copy's partial and the ids of the documents its activation lists name. */
    public record Outcome(PassPartial partial, Map<Long, String> activationIds) {}

    private final GalleryPass pass;
    private final Similarity similarity;
    private final String field;
    private final int dimension;
    private final Executor pool;
    private final int stepRows;
    private final int chunkRows;
    /** Ids kept before the first pruning: the map is pruned between chunks whenever it has grown past this. */
    private final int firstPruneAt;

    /** @param threads how many steps the pool runs at once: a chunk holds that many steps, so the pool stays busy */
    public ShardPass(
            GalleryPass pass,
            Similarity similarity,
            String field,
            int dimension,
            Executor pool,
            int threads,
            int stepRows) {
        this(pass, similarity, field, dimension, pool, threads, stepRows, 1 << 16);
    }

    /** With the number of ids kept before the first pruning (tests prune early to show nothing needed is lost). */
    ShardPass(
            GalleryPass pass,
            Similarity similarity,
            String field,
            int dimension,
            Executor pool,
            int threads,
            int stepRows,
            int firstPruneAt) {
        this.pass = pass;
        this.similarity = similarity;
        this.field = field;
        this.dimension = dimension;
        this.pool = pool;
        this.stepRows = stepRows;
        this.chunkRows = stepRows * Math.max(1, threads);
        this.firstPruneAt = firstPruneAt;
    }

    public Outcome run(IndexReader reader, TermsTarget target) throws IOException {
        Scan scan = new Scan(PassSteps.newPartials(pass), target);
        for (LeafReaderContext leaf : reader.leaves()) {
            scan.segment(leaf);
        }
        scan.awaitRunning();
        PassPartial total = scan.partials.merged();
        Map<Long, String> ids = new HashMap<>(scan.ids);
        ids.keySet().retainAll(total.listedKeys());
        return new Outcome(total, ids);
    }

    /**
     * One copy's scan: all its chunks offer to one set of partials, so the top-k lists fill once per copy rather than
     * once per chunk. The {@code _id} of every row that entered some top-k list is kept (a document in the final
     * activation lists entered a partial's list when it was offered, so no other id can be needed); ids that dropped
     * out of every list are pruned whenever the map has doubled, between chunks, while no step runs.
     */
    private final class Scan {
        final PassSteps.Partials partials;
        final Map<Long, String> ids = new ConcurrentHashMap<>();
        private final TermsTarget target;
        private CompletableFuture<Void> running;
        private int pruneAt = firstPruneAt;

        Scan(PassSteps.Partials partials, TermsTarget target) {
            this.partials = partials;
            this.target = target;
        }

        void segment(LeafReaderContext leaf) throws IOException {
            LeafVectorReader.SegmentVectors vectors = LeafVectorReader.open(leaf.reader(), field, dimension);
            DocKeys.SegmentIds segmentIds = new DocKeys.SegmentIds(leaf.reader());
            Bits live = leaf.reader().getLiveDocs();
            Chunk chunk = new Chunk(chunkRows, dimension);
            for (int doc = 0, maxDoc = leaf.reader().maxDoc(); doc < maxDoc; doc++) {
                if (live != null && !live.get(doc)) continue;
                float[] v = vectors.read(doc);
                if (v == null) continue;
                chunk.add(doc, v, segmentIds.id(doc));
                if (chunk.rows == chunkRows) {
                    start(leaf, chunk);
                    chunk = new Chunk(chunkRows, dimension);
                }
            }
            if (chunk.rows > 0) {
                start(leaf, chunk);
            }
        }

        /** Starts a chunk once the one before the last has finished: one chunk runs while the next is read. */
        private void start(LeafReaderContext leaf, Chunk chunk) {
            CompletableFuture<Void> previous = running;
            if (previous != null && ids.size() > pruneAt) {
                awaitRunning();
                ids.keySet().retainAll(partials.listedKeys());
                pruneAt = Math.max(pruneAt, 2 * ids.size());
                previous = null;
            }
            similarity.prepareRows(chunk.vectors, chunk.rows, dimension);
            GalleryBlock block = new GalleryBlock(chunk.vectors, chunk.rows, chunk.keys);
            CompletableFuture<Void> next = PassSteps.scan(
                    pass,
                    block,
                    pool,
                    stepRows,
                    partials,
                    (b, row0, terms) ->
                            target.put(leaf, Arrays.copyOfRange(chunk.docs, row0, row0 + terms.size()), terms),
                    (b, row) -> ids.put(chunk.keys[row], chunk.ids[row]));
            if (previous != null) {
                join(previous);
            }
            running = next;
        }

        void awaitRunning() {
            if (running != null) {
                CompletableFuture<Void> last = running;
                running = null;
                join(last);
            }
        }
    }

    private static void join(CompletableFuture<Void> step) {
        try {
            step.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Vectors (row-major), keys, segment doc ids and _ids of up to {@code capacity} documents of one segment. */
    private static final class Chunk {
        final float[] vectors;
        final long[] keys;
        final int[] docs;
        final String[] ids;
        final int dimension;
        int rows;

        Chunk(int capacity, int dimension) {
            this.vectors = new float[capacity * dimension];
            this.keys = new long[capacity];
            this.docs = new int[capacity];
            this.ids = new String[capacity];
            this.dimension = dimension;
        }

        void add(int doc, float[] vector, String id) {
            System.arraycopy(vector, 0, vectors, rows * dimension, dimension);
            keys[rows] = DocKeys.of(id, DocKeys.GALLERY_SEED);
            docs[rows] = doc;
            ids[rows] = id;
            rows++;
        }
    }
}

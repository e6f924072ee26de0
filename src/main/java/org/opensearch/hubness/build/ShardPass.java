/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * {@link PassPartial}, and the {@code _id} of every document the partial's activation lists name is kept, so the
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

    /** @param threads how many steps the pool runs at once: a chunk holds that many steps, so the pool stays busy */
    public ShardPass(
            GalleryPass pass,
            Similarity similarity,
            String field,
            int dimension,
            Executor pool,
            int threads,
            int stepRows) {
        this.pass = pass;
        this.similarity = similarity;
        this.field = field;
        this.dimension = dimension;
        this.pool = pool;
        this.stepRows = stepRows;
        this.chunkRows = stepRows * Math.max(1, threads);
    }

    public Outcome run(IndexReader reader, TermsTarget target) throws IOException {
        PassPartial total = pass.emptyPartial();
        Map<Long, String> ids = new HashMap<>();
        for (LeafReaderContext leaf : reader.leaves()) {
            scanSegment(leaf, total, ids, target);
        }
        ids.keySet().retainAll(total.activationKeys());
        return new Outcome(total, ids);
    }

    private void scanSegment(LeafReaderContext leaf, PassPartial total, Map<Long, String> ids, TermsTarget target)
            throws IOException {
        LeafVectorReader.SegmentVectors vectors = LeafVectorReader.open(leaf.reader(), field, dimension);
        DocKeys.SegmentIds segmentIds = new DocKeys.SegmentIds(leaf.reader());
        Bits live = leaf.reader().getLiveDocs();
        Chunk chunk = new Chunk(chunkRows, dimension);
        Running running = null;
        for (int doc = 0, maxDoc = leaf.reader().maxDoc(); doc < maxDoc; doc++) {
            if (live != null && !live.get(doc)) continue;
            float[] v = vectors.read(doc);
            if (v == null) continue;
            chunk.add(doc, v, segmentIds.id(doc));
            if (chunk.rows == chunkRows) {
                Running next = start(leaf, chunk, target);
                if (running != null) finish(running, total, ids);
                running = next;
                chunk = new Chunk(chunkRows, dimension);
            }
        }
        Running last = chunk.rows > 0 ? start(leaf, chunk, target) : null;
        if (running != null) finish(running, total, ids);
        if (last != null) finish(last, total, ids);
    }

    private record Running(Chunk chunk, CompletableFuture<PassPartial> partial) {}

    private Running start(LeafReaderContext leaf, Chunk chunk, TermsTarget target) {
        similarity.prepareRows(chunk.vectors, chunk.rows, dimension);
        GalleryBlock block = new GalleryBlock(chunk.vectors, chunk.rows, chunk.keys);
        return new Running(
                chunk,
                pass.scan(
                        block,
                        pool,
                        stepRows,
                        (b, row0, terms) ->
                                target.put(leaf, Arrays.copyOfRange(chunk.docs, row0, row0 + terms.size()), terms)));
    }

    /**
     * Merges a finished chunk and keeps the ids its own activation lists name: a document in the final top-k of some
     * bank vector is in its chunk's top-k of that vector, so no other id can be needed. Ids that dropped out of the
     * running lists are pruned whenever the map outgrows them.
     */
    private static void finish(Running running, PassPartial total, Map<Long, String> ids) {
        PassPartial part;
        try {
            part = running.partial().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        Set<Long> named = part.activationKeys();
        Chunk c = running.chunk();
        for (int i = 0; i < c.rows; i++) {
            if (named.contains(c.keys[i])) ids.put(c.keys[i], c.ids[i]);
        }
        total.merge(part);
        if (ids.size() > 4 * Math.max(named.size(), c.rows) + 1024) {
            ids.keySet().retainAll(total.activationKeys());
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

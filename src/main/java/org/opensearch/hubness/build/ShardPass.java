/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.util.Bits;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.GalleryBlock;
import org.opensearch.hubness.norm.GalleryPass;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.vectors.LeafVectorReader;

/**
 * One shard copy's part of a bank build: reads every live document's vector straight from Lucene, segment by segment,
 * in chunks of a few steps, and runs the {@link GalleryPass} over each chunk on the build pool while the next chunk is
 * read (also on the build pool: no thread waits for another). The terms go to a {@link TermsTarget} (the node's cache), the activation lists and report into one
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

    /**
     * Scans every segment of {@code reader} and answers the copy's {@link Outcome}, or the first failure; nothing
     * waits: each chunk is read on the pool once the chunk before the last has finished. {@code cancelled} is asked
     * before every chunk: once it says so, the scan reads no further, waits for the steps it started, and fails with
     * a {@link TaskCancelledException}. The reader must stay open until the listener is told.
     */
    public void run(IndexReader reader, TermsTarget target, BooleanSupplier cancelled, ActionListener<Outcome> done) {
        Scan scan = new Scan(PassSteps.newPartials(pass), target, reader.leaves(), cancelled, done);
        pool.execute(() -> scan.readNext(null));
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
        private final List<LeafReaderContext> leaves;
        private final BooleanSupplier cancelled;
        private final ActionListener<Outcome> done;
        private int pruneAt = firstPruneAt;
        /** The segment being read and where its reading stopped. */
        private int leafOrd = -1;

        private LeafReaderContext leaf;
        private LeafVectorReader.SegmentVectors vectors;
        private DocKeys.SegmentIds segmentIds;
        private Bits live;
        private int nextDoc;

        Scan(
                PassSteps.Partials partials,
                TermsTarget target,
                List<LeafReaderContext> leaves,
                BooleanSupplier cancelled,
                ActionListener<Outcome> done) {
            this.partials = partials;
            this.target = target;
            this.leaves = leaves;
            this.cancelled = cancelled;
            this.done = done;
        }

        /** Reads the next chunk while {@code running} (the chunk before, or null) runs, and starts it. */
        void readNext(CompletableFuture<Void> running) {
            Chunk chunk;
            try {
                if (cancelled.getAsBoolean()) throw new TaskCancelledException("the build's shard pass was cancelled");
                chunk = readChunk();
            } catch (Exception e) {
                failAfter(running, e);
                return;
            }
            if (chunk == null) {
                after(running, this::finish);
            } else if (running != null && ids.size() > pruneAt) {
                after(running, () -> {
                    ids.keySet().retainAll(partials.listedKeys());
                    pruneAt = Math.max(pruneAt, 2 * ids.size());
                    start(chunk, null);
                });
            } else {
                start(chunk, running);
            }
        }

        /** Starts the chunk's steps; the next chunk is read once {@code previous} has finished. */
        private void start(Chunk chunk, CompletableFuture<Void> previous) {
            CompletableFuture<Void> next;
            try {
                similarity.prepareRows(chunk.vectors, chunk.rows, dimension);
                GalleryBlock block = new GalleryBlock(chunk.vectors, chunk.rows, chunk.keys);
                LeafReaderContext segment = chunk.leaf;
                next = PassSteps.scan(
                        pass,
                        block,
                        pool,
                        stepRows,
                        partials,
                        (b, row0, terms) ->
                                target.put(segment, Arrays.copyOfRange(chunk.docs, row0, row0 + terms.size()), terms),
                        (b, row) -> ids.put(chunk.keys[row], chunk.ids[row]));
            } catch (Exception e) {
                failAfter(previous, e);
                return;
            }
            if (previous == null) {
                pool.execute(() -> readNext(next));
            } else {
                previous.whenCompleteAsync(
                        (ok, failure) -> {
                            if (failure != null) failAfter(next, unwrap(failure));
                            else readNext(next);
                        },
                        pool);
            }
        }

        /** The next chunk of up to {@code chunkRows} live documents with a vector, of one segment; null at the end. */
        private Chunk readChunk() throws IOException {
            while (true) {
                if (leaf == null || nextDoc >= leaf.reader().maxDoc()) {
                    if (++leafOrd >= leaves.size()) return null;
                    leaf = leaves.get(leafOrd);
                    vectors = LeafVectorReader.open(leaf.reader(), field, dimension);
                    segmentIds = new DocKeys.SegmentIds(leaf.reader());
                    live = leaf.reader().getLiveDocs();
                    nextDoc = 0;
                }
                Chunk chunk = new Chunk(leaf, chunkRows, dimension);
                for (int maxDoc = leaf.reader().maxDoc(); nextDoc < maxDoc && chunk.rows < chunkRows; nextDoc++) {
                    if (live != null && !live.get(nextDoc)) continue;
                    float[] v = vectors.read(nextDoc);
                    if (v == null) continue;
                    chunk.add(nextDoc, v, segmentIds.id(nextDoc));
                }
                if (chunk.rows > 0) return chunk;
            }
        }

        private void after(CompletableFuture<Void> running, Runnable then) {
            if (running == null) {
                runOrFail(then);
            } else {
                running.whenCompleteAsync(
                        (ok, failure) -> {
                            if (failure != null) done.onFailure(unwrap(failure));
                            else runOrFail(then);
                        },
                        pool);
            }
        }

        private void runOrFail(Runnable then) {
            try {
                then.run();
            } catch (Exception e) {
                done.onFailure(e);
            }
        }

        /** Fails once the steps still running have ended: they hold the copy's partials and write the cache. */
        private void failAfter(CompletableFuture<Void> running, Exception e) {
            if (running == null) done.onFailure(e);
            else running.whenComplete((ok, ignored) -> done.onFailure(e));
        }

        private void finish() {
            PassPartial total = partials.merged();
            Map<Long, String> kept = new HashMap<>(ids);
            kept.keySet().retainAll(total.listedKeys());
            done.onResponse(new Outcome(total, kept));
        }
    }

    private static Exception unwrap(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof Exception e ? e : new RuntimeException(cause);
    }

    /** Vectors (row-major), keys, segment doc ids and _ids of up to {@code capacity} documents of one segment. */
    private static final class Chunk {
        final LeafReaderContext leaf;
        final float[] vectors;
        final long[] keys;
        final int[] docs;
        final String[] ids;
        final int dimension;
        int rows;

        Chunk(LeafReaderContext leaf, int capacity, int dimension) {
            this.leaf = leaf;
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

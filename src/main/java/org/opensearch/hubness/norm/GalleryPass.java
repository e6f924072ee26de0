package org.opensearch.hubness.norm;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The single pass of a bank build over gallery documents: one blocked gallery × bank product per step yields, for
 * the step's documents, their bank terms (Lq, Lg, r_B of CSLS, the NNN mean: handed to a {@link TermsSink}), each
 * bank vector's top-k documents by raw similarity, and the hubness report's top lists ({@link PassPartial}).
 * Partials of any split of the gallery merge into the same result, so blocks, segments and shards may be scanned
 * anywhere, in any order. Memory per running step: (rows per step + 2) × (|query bank| + |gallery bank|) × 4 bytes
 * (the step's float similarities and one row widened to double).
 */
public final class GalleryPass {

    /** Receives the bank terms of rows [row0, row0 + terms.size()) of a block; called from the executor's threads. */
    @FunctionalInterface
    public interface TermsSink {
        void accept(GalleryBlock block, int row0, DocTerms terms);
    }

    private final Similarity similarity;
    private final BankMatrix queryBank;
    private final BankMatrix galleryBank;
    private final NormParams params;
    private final int reportRows;
    private final DotPrecision precision;
    private final Queue<BlockSimilarities> idleBuffers = new ConcurrentLinkedQueue<>();

    /** Receives each row of a block that entered some bank vector's top-k list: a candidate for the activation sets. */
    @FunctionalInterface
    public interface CandidateSink {
        void accept(GalleryBlock block, int row);
    }

    /**
     * @param reportRows how many query-bank vectors (the first ones) rank the gallery for the hubness report; 0 for
     *                   no report. At most the query bank's size.
     */
    public GalleryPass(
            BankMatrix queryBank, BankMatrix galleryBank, NormParams params, int reportRows, DotPrecision precision) {
        this(Similarity.DOT, queryBank, galleryBank, params, reportRows, precision);
    }

    /** With s of the bank's similarity; the banks and every block prepared by it. */
    public GalleryPass(
            Similarity similarity,
            BankMatrix queryBank,
            BankMatrix galleryBank,
            NormParams params,
            int reportRows,
            DotPrecision precision) {
        if (queryBank.dimension() != galleryBank.dimension()) {
            throw new IllegalArgumentException("query bank has dimension " + queryBank.dimension()
                    + " but gallery bank " + galleryBank.dimension());
        }
        if (reportRows < 0 || reportRows > queryBank.count()) {
            throw new IllegalArgumentException(
                    "report rows must be in [0, " + queryBank.count() + "], got " + reportRows);
        }
        this.similarity = similarity;
        this.queryBank = queryBank;
        this.galleryBank = galleryBank;
        this.params = params;
        this.reportRows = reportRows;
        this.precision = precision;
        if (precision == DotPrecision.FLOAT) {
            // packed once here, before the steps run in parallel, rather than by whichever step comes first
            queryBank.packed();
            galleryBank.packed();
        }
        if (similarity == Similarity.L2) {
            queryBank.squaredNorms();
            galleryBank.squaredNorms();
        }
    }

    /** An empty partial, to merge parts into. */
    public PassPartial emptyPartial() {
        return new PassPartial(queryBank.count(), galleryBank.count(), reportRows, params);
    }

    /** Scans rows [row0, row0 + rows) of a block on the calling thread, in kernel blocks of at most {@code stepRows}. */
    public PassPartial scan(GalleryBlock block, int row0, int rows, int stepRows, TermsSink sink) {
        requirePositive(stepRows);
        return scanInto(emptyPartial(), block, row0, rows, stepRows, sink, null);
    }

    /**
     * Offers rows [row0, row0 + rows) to {@code partial} (which must not be shared by another thread meanwhile), in
     * kernel blocks of at most {@code stepRows}; the rows that entered some top-k list go to {@code candidates}.
     */
    public PassPartial scanInto(
            PassPartial partial,
            GalleryBlock block,
            int row0,
            int rows,
            int stepRows,
            TermsSink sink,
            CandidateSink candidates) {
        BlockSimilarities sims = buffers(Math.min(stepRows, Math.max(1, rows)));
        try {
            int mq = queryBank.count(), mg = galleryBank.count();
            for (int start = row0; start < row0 + rows; start += stepRows) {
                int n = Math.min(stepRows, row0 + rows - start);
                sims.compute(block.vectors(), start, n, precision);
                DocTerms terms = DocTerms.allocate(n, mq > 0, mg > 0);
                // row by row, so that a row's similarities stay in cache for its terms and all its offers
                for (int i = 0; i < n; i++) {
                    sims.loadRow(i);
                    sims.fillTerms(params, terms, i);
                    boolean entered = partial.offer(sims, i, terms, block.keys()[start + i]);
                    if (entered && candidates != null) {
                        candidates.accept(block, start + i);
                    }
                }
                if (sink != null) {
                    sink.accept(block, start, terms);
                }
            }
        } finally {
            idleBuffers.offer(sims);
        }
        return partial;
    }

    /**
     * Similarity buffers for a step of {@code rows} rows: an idle one of a finished step when one is large enough
     * (a step's buffers are tens of MB, so allocating and zeroing them per step costs a visible share of the step),
     * else new ones. At most one set per step running at once stays with the pass.
     */
    private BlockSimilarities buffers(int rows) {
        for (BlockSimilarities idle = idleBuffers.poll(); idle != null; idle = idleBuffers.poll()) {
            if (idle.maxRows() >= rows) {
                return idle;
            }
        }
        return new BlockSimilarities(similarity, queryBank, galleryBank, rows);
    }

    static void requirePositive(int stepRows) {
        if (stepRows < 1) {
            throw new IllegalArgumentException("rows per step must be >= 1, got " + stepRows);
        }
    }
}

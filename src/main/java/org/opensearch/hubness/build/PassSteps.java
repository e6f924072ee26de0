/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.opensearch.hubness.norm.GalleryBlock;
import org.opensearch.hubness.norm.GalleryPass;
import org.opensearch.hubness.norm.GalleryPass.CandidateSink;
import org.opensearch.hubness.norm.GalleryPass.TermsSink;
import org.opensearch.hubness.norm.PassPartial;

/** Runs a {@link GalleryPass}'s steps in parallel on an executor: the pass's scheduling, kept out of the pure maths. */
public final class PassSteps {

    private PassSteps() {}

    /** A new, empty set of partials for one scan of {@code pass} over many blocks. */
    public static Partials newPartials(GalleryPass pass) {
        return new Partials(pass);
    }

    /**
     * The partials of one scan over many blocks (a shard copy's segments and chunks): a running step takes an idle
     * one and gives it back, so each partial's top-k lists fill once per scan and then stay full, and only the few
     * rows that beat them go through an insertion (into empty lists every row does, for the first k rows of each
     * list). Partials merge into the same result in any grouping, so which step used which changes nothing.
     */
    public static final class Partials {
        private final GalleryPass pass;

        private Partials(GalleryPass pass) {
            this.pass = pass;
        }

        private final Queue<PassPartial> idle = new ConcurrentLinkedQueue<>();

        private PassPartial take() {
            PassPartial partial = idle.poll();
            return partial != null ? partial : pass.emptyPartial();
        }

        private void giveBack(PassPartial partial) {
            idle.offer(partial);
        }

        /** Everything gathered so far, merged into a new partial; only while no step of this scan runs. */
        public PassPartial merged() {
            PassPartial total = pass.emptyPartial();
            for (PassPartial partial : idle) {
                total.merge(partial);
            }
            return total;
        }

        /** Keys of every document some partial's top-k lists hold now; only while no step of this scan runs. */
        public Set<Long> listedKeys() {
            Set<Long> keys = new HashSet<>();
            for (PassPartial partial : idle) {
                keys.addAll(partial.listedKeys());
            }
            return keys;
        }
    }

    /**
     * Scans a whole block in steps of {@code stepRows} rows run on {@code executor} (as many at once as it has
     * threads), each step offering its rows to one of {@code partials} (see {@link Partials}). The terms go to
     * {@code sink}, the rows that entered some top-k list to {@code candidates} (either may be null). The future
     * completes when every step is done, and fails with the first step's failure.
     */
    public static CompletableFuture<Void> scan(
            GalleryPass pass,
            GalleryBlock block,
            Executor executor,
            int stepRows,
            Partials partials,
            TermsSink sink,
            CandidateSink candidates) {
        if (stepRows < 1) {
            throw new IllegalArgumentException("rows per step must be >= 1, got " + stepRows);
        }
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        for (int start = 0; start < block.rows(); start += stepRows) {
            int row0 = start, n = Math.min(stepRows, block.rows() - start);
            steps.add(CompletableFuture.runAsync(
                    () -> {
                        PassPartial partial = partials.take();
                        try {
                            pass.scanInto(partial, block, row0, n, stepRows, sink, candidates);
                        } finally {
                            partials.giveBack(partial); // also after a failure: the future fails anyway
                        }
                    },
                    executor));
        }
        return CompletableFuture.allOf(steps.toArray(new CompletableFuture<?>[0]));
    }

    /** One block alone, as {@link #scan(GalleryPass, GalleryBlock, Executor, int, Partials, TermsSink, CandidateSink)}: its partial. */
    public static CompletableFuture<PassPartial> scan(
            GalleryPass pass, GalleryBlock block, Executor executor, int stepRows, TermsSink sink) {
        Partials partials = new Partials(pass);
        return scan(pass, block, executor, stepRows, partials, sink, null).thenApply(done -> partials.merged());
    }
}

/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.benchmarks;

import org.opensearch.hubness.kernel.PackedRows;
import org.opensearch.hubness.kernel.VectorKernels;
import org.opensearch.hubness.norm.DocTermsCalculator;

/**
 * The product one build step runs, a block of gallery rows ({@link DocTermsCalculator#BLOCK} unless told) against a bank
 * packed once (as {@code ManyToManyBenchmark.blocked}), repeated for a given stretch of time on the calling thread.
 */
final class KernelLoop {

    private final float[] gallery;
    private final PackedRows packedBank;
    private final float[] out;
    private final int rows;
    private final double flopPerCall;

    KernelLoop(int d, int bank) {
        this(d, bank, DocTermsCalculator.BLOCK);
    }

    KernelLoop(int d, int bank, int rows) {
        this.rows = rows;
        gallery = Data.matrix(rows, d, 3);
        packedBank = VectorKernels.pack(Data.matrix(bank, d, 4), bank, d);
        out = new float[rows * bank];
        flopPerCall = 2.0 * rows * bank * d;
    }

    /** Runs whole products until {@code nanos} have passed; returns the GFLOP/s of that stretch. */
    double gflops(long nanos) {
        long start = System.nanoTime(), calls = 0;
        while (System.nanoTime() - start < nanos) {
            VectorKernels.dotManyToMany(gallery, 0, rows, packedBank, out);
            calls++;
        }
        return flopPerCall * calls / (System.nanoTime() - start);
    }
}

/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import org.opensearch.hubness.kernel.PackedRows;
import org.opensearch.hubness.kernel.VectorKernels;
import org.opensearch.hubness.norm.DocTermsCalculator;

/**
 * The kernel's single-core rate for scripts/bench-build, measured in the same run as the build: a block of
 * {@link DocTermsCalculator#BLOCK} rows against a packed bank, on one thread, 3 one-second warm-up rounds then 5
 * measured ones; prints the median round's GFLOP/s (2·rows·bank·d per call). A plain main, not JMH, so that it takes
 * 10 seconds. Arguments: d [bank].
 */
public final class KernelRate {

    private KernelRate() {}

    public static void main(String[] args) {
        int d = Integer.parseInt(args[0]);
        int bank = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rows = DocTermsCalculator.BLOCK;
        float[] gallery = Data.matrix(rows, d, 3);
        PackedRows packed = VectorKernels.pack(Data.matrix(bank, d, 4), bank, d);
        float[] out = new float[rows * bank];
        double flop = 2.0 * rows * bank * d;
        double[] rates = new double[5];
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime(), calls = 0;
            while (System.nanoTime() - t0 < 1_000_000_000L) {
                VectorKernels.dotManyToMany(gallery, 0, rows, packed, out);
                calls++;
            }
            if (round >= 3) rates[round - 3] = flop * calls / (System.nanoTime() - t0);
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "%s %.2f%n", VectorKernels.implementationName(), rates[2]);
    }
}

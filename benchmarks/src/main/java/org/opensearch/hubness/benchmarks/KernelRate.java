/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import org.opensearch.hubness.kernel.VectorKernels;
import org.opensearch.hubness.norm.DocTermsCalculator;

/**
 * The kernel's single-core rate for scripts/bench-build, measured in the same run as the build: a {@link KernelLoop}
 * on one thread, 3 one-second warm-up rounds then 5 measured ones; prints the median round's GFLOP/s. A plain main,
 * not JMH, so that it takes 10 seconds. Arguments: d [bank [rows]] (rows: gallery rows per call, as a build step's
 * {@code plugins.hubness.build.rows_per_step}; default {@link DocTermsCalculator#BLOCK}).
 */
public final class KernelRate {

    private KernelRate() {}

    public static void main(String[] args) {
        int d = Integer.parseInt(args[0]);
        int bank = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : DocTermsCalculator.BLOCK;
        KernelLoop loop = new KernelLoop(d, bank, rows);
        double[] rates = new double[5];
        for (int round = 0; round < 8; round++) {
            double rate = loop.gflops(1_000_000_000L);
            if (round >= 3) rates[round - 3] = rate;
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "%s %.2f%n", VectorKernels.implementationName(), rates[2]);
    }
}

/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.opensearch.hubness.kernel.VectorKernels;

/**
 * Our side of scripts/bench-kernels' paired measurement, driven over stdin so that the driver can interleave it, burst
 * by burst, with numpy: prints "ready" and the kernel's name, then for every line read (a number of milliseconds) runs
 * a {@link KernelLoop} on one thread for that long and prints the GFLOP/s; an empty line or the end of stdin ends it.
 * Between bursts it only waits on stdin, so it takes no CPU while numpy runs. Arguments: d bank.
 */
public final class KernelWorker {

    private KernelWorker() {}

    public static void main(String[] args) throws IOException {
        KernelLoop loop = new KernelLoop(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + VectorKernels.implementationName());
        System.out.flush();
        for (String line = commands.readLine(); line != null && !line.isBlank(); line = commands.readLine()) {
            double rate = loop.gflops(Long.parseLong(line.trim()) * 1_000_000L);
            System.out.printf(Locale.ROOT, "%.3f%n", rate);
            System.out.flush();
        }
    }
}
